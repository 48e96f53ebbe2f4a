using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// How one member of the metadata quorum runs. The defaults come from a soak test of the engine over
/// TCP with repeated kill -9 of the leader: short request timeouts with frequent snapshots stalled a
/// restarted follower for up to a minute, so elections are not hurried, requests outlast a snapshot
/// install, and snapshots are rare (metadata is small, so a long log costs little).
/// </summary>
public sealed record QuorumOptions
{
    /// <summary>This broker's node id; must be one of <see cref="Voters"/>.</summary>
    public required int NodeId { get; init; }

    /// <summary>
    /// Every voter of the quorum, the same list on every member (Kafka's static
    /// <c>controller.quorum.voters</c>). Membership is this list from the first start on; it is never
    /// learned or changed at run time, so a member that restarts cannot form a quorum of its own.
    /// </summary>
    public required IReadOnlyList<QuorumVoter> Voters { get; init; }

    /// <summary>The broker's data directory; the quorum keeps its log and snapshots under <c>metadata/</c> in it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Lower bound of the randomised election timeout.</summary>
    public TimeSpan ElectionTimeoutMin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of the randomised election timeout.</summary>
    public TimeSpan ElectionTimeoutMax { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>How long one request to a peer may take, a snapshot install included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The leader's heartbeat period as a fraction of <see cref="ElectionTimeoutMin"/>, in (0, 1).</summary>
    public double HeartbeatThreshold { get; init; } = 0.5;

    /// <summary>A snapshot is taken every this many applied entries, and the log before it dropped.</summary>
    public long SnapshotInterval { get; init; } = 10_000;

    /// <summary>
    /// How long the watchdog lets a member make no progress (committed entries left unapplied, or a
    /// known leader whose requests all fail) before it rebuilds the member over its log.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the leader may repeat the same warning about one unreachable peer.</summary>
    public TimeSpan PeerWarningInterval { get; init; } = TimeSpan.FromSeconds(30);

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>This member's own voter entry: where its listener binds.</summary>
    public QuorumVoter Self => Voters.FirstOrDefault(v => v.NodeId == NodeId)
        ?? throw new ArgumentException($"node {NodeId} is not one of the controller voters ({string.Join(',', Voters)})");

    internal string MetadataDirectory => Path.Combine(DataDirectory, "metadata");

    internal string LogDirectory => Path.Combine(MetadataDirectory, "log");

    internal string SnapshotDirectory => Path.Combine(MetadataDirectory, "snapshots");

    /// <summary>Throws naming the first setting that cannot work.</summary>
    internal void Validate()
    {
        if (Voters.Count == 0)
        {
            throw new ArgumentException("the controller voter list is empty");
        }

        _ = Self;
        if (ElectionTimeoutMin <= TimeSpan.Zero || ElectionTimeoutMax <= ElectionTimeoutMin)
        {
            throw new ArgumentException($"the election timeout range {ElectionTimeoutMin}..{ElectionTimeoutMax} must be positive and not empty");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the quorum request timeout {RequestTimeout} must be positive");
        }

        if (HeartbeatThreshold is <= 0 or >= 1)
        {
            throw new ArgumentException($"the heartbeat threshold {HeartbeatThreshold} must lie in (0, 1)");
        }

        if (SnapshotInterval < 2)
        {
            throw new ArgumentException($"the snapshot interval {SnapshotInterval} must be at least 2 entries");
        }

        if (StallTimeout <= TimeSpan.Zero || PeerWarningInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("the stall timeout must be positive and the peer warning interval not negative");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("the quorum needs a data directory");
        }
    }
}
