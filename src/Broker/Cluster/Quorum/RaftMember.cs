using System.Collections.Frozen;
using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// One incarnation of the DotNext engine over this member's log: snapshot store, write-ahead log and
/// TCP cluster member, built together and torn down together. <see cref="RaftMetadataQuorum"/> owns the
/// current one; the watchdog replaces it with a fresh one over the same files when it stops making
/// progress. Also tracks what the watchdog reads (contact with the leader) and when this member may act
/// as leader (<see cref="IsLeader"/>).
/// </summary>
internal sealed class RaftMember : IAsyncDisposable
{
    private readonly SnapshottingStateMachine _stateMachine;
    private readonly FrozenDictionary<EndPoint, int> _nodeIds;
    private readonly EndPoint _self;
    private readonly Action<int?, long> _onLeaderChanged;
    private readonly Action<long, bool> _onLeadership;
    private static long s_incarnations;
    private readonly long _incarnation = Interlocked.Increment(ref s_incarnations);
    private readonly CancellationTokenSource _stop = new();
    private Task _leadershipWatch = Task.CompletedTask;
    private long _lastLeaderContactTicks;
    private Leadership? _leadership;

    private RaftMember(SnapshottingStateMachine stateMachine, WriteAheadLog log, RaftCluster cluster,
        FrozenDictionary<EndPoint, int> nodeIds, EndPoint self, Action<int?, long> onLeaderChanged, Action<long, bool> onLeadership)
    {
        _stateMachine = stateMachine;
        Log = log;
        Cluster = cluster;
        _nodeIds = nodeIds;
        _self = self;
        _onLeaderChanged = onLeaderChanged;
        _onLeadership = onLeadership;
        _lastLeaderContactTicks = Environment.TickCount64;
    }

    public WriteAheadLog Log { get; }

    public RaftCluster Cluster { get; }

    /// <summary>True while this member leads and has applied everything committed before its term.</summary>
    public bool IsLeader => Volatile.Read(ref _leadership) is { Token.IsCancellationRequested: false };

    /// <summary>The active leader: this member only once <see cref="IsLeader"/> holds; another as the engine knows it.</summary>
    public int? LeaderId
    {
        get
        {
            var leader = Cluster.Leader?.EndPoint;
            if (leader is null || leader.Equals(_self))
            {
                return IsLeader ? _nodeIds[_self] : null;
            }

            return _nodeIds.TryGetValue(leader, out var id) ? id : null;
        }
    }

    /// <summary>The current term. DotNext 6.12 keeps it in the log (IPersistentState.Term).</summary>
    public long Term => ((IPersistentState)Log).Term;

    /// <summary>What the watchdog reads of this incarnation now.</summary>
    public MemberProgress Progress() =>
        new(_incarnation, Log.LastAppliedIndex, Log.LastCommittedEntryIndex, LeaderId, IsLeader, LastLeaderContactTicks, BackgroundFault());

    /// <summary><see cref="Environment.TickCount64"/> when the leader's heartbeat last succeeded here (or this incarnation started).</summary>
    public long LastLeaderContactTicks => Volatile.Read(ref _lastLeaderContactTicks);

    /// <summary>
    /// Builds the engine over the files in <paramref name="options"/>' metadata directory and starts it:
    /// restores the newest snapshot, applies every committed entry after it, opens the listener.
    /// </summary>
    public static async Task<RaftMember> StartAsync(QuorumOptions options, MetadataApplier applier, PeerTracker peers,
        ILoggerFactory engineLoggers, Action<int?, long> onLeaderChanged, Action<long, bool> onLeadership, CancellationToken cancellationToken)
    {
        var snapshots = Directory.CreateDirectory(options.SnapshotDirectory);
        foreach (var leftover in snapshots.EnumerateFiles("*.tmp"))
        {
            // A snapshot write cut short by a crash; the engine only renames finished ones.
            leftover.Delete();
        }

        var nodeIds = options.Voters.ToFrozenDictionary(v => (EndPoint)v.ResolveEndPoint(), v => v.NodeId);
        var self = options.Self.ResolveEndPoint();
        var stateMachine = new SnapshottingStateMachine(snapshots, applier, options.SnapshotInterval);
        WriteAheadLog? log = null;
        RaftCluster? cluster = null;
        try
        {
            // DotNext 6.12: the WAL constructor reads the state machine's snapshot index to know where
            // replay starts, so the snapshot must be restored before the WAL exists.
            await stateMachine.RestoreAsync(cancellationToken).ConfigureAwait(false);
            log = new WriteAheadLog(new WriteAheadLog.Options { Location = options.LogDirectory, ChunkSize = 1 << 20 }, stateMachine);

            var configuration = new RaftCluster.TcpConfiguration(self)
            {
                ConfigurationStorage = new StaticVoterStorage(nodeIds.Keys),
                ColdStart = false,
                LowerElectionTimeout = (int)options.ElectionTimeoutMin.TotalMilliseconds,
                UpperElectionTimeout = (int)options.ElectionTimeoutMax.TotalMilliseconds,
                RequestTimeout = options.RequestTimeout,

                // A peer not reachable within an election timeout is down for this round; the leader
                // retries on its next heartbeat.
                ConnectTimeout = options.ElectionTimeoutMin,
                HeartbeatThreshold = options.HeartbeatThreshold,
                LoggerFactory = engineLoggers,
            };
            cluster = new RaftCluster(configuration)
            {
                AuditTrail = log,
                FailureDetectorFactory = (_, member) => peers.CreateDetector(member.EndPoint),
            };
            var member = new RaftMember(stateMachine, log, cluster, nodeIds, self, onLeaderChanged, onLeadership);
            cluster.LeaderChanged += member.OnLeaderChanged;
            cluster.ReplicationCompleted += member.OnLeaderContact;

            // Returns once every committed entry is applied (WAL.InitializeAsync) and the listener is open.
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
            member._leadershipWatch = member.WatchLeadershipAsync();
            return member;
        }
        catch
        {
            await DisposeAllAsync(cluster, log, stateMachine, clean: true).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the member cleanly: listener closed, background work ended, log flushed and closed.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await DisposeAllAsync(Cluster, Log, _stateMachine, clean: true).ConfigureAwait(false);
        await _leadershipWatch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>
    /// Drops the member as a crash would: no orderly stop of the engine (peers see the connections
    /// die), the log closed without the shutdown steps. Committed entries are already on disk (the
    /// WAL flushes on commit). For fault tests.
    /// </summary>
    public async ValueTask AbandonAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await DisposeAllAsync(Cluster, Log, _stateMachine, clean: false).ConfigureAwait(false);
        await _leadershipWatch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async ValueTask DisposeAllAsync(RaftCluster? cluster, WriteAheadLog? log, SnapshottingStateMachine stateMachine, bool clean)
    {
        if (cluster is not null)
        {
            if (clean)
            {
                // DisposeAsync = StopAsync (listener closed, standby) + Dispose.
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                cluster.Dispose();
            }
        }

        if (log is not null)
        {
            await log.DisposeAsync().ConfigureAwait(false);
        }

        await stateMachine.DisposeAsync().ConfigureAwait(false);
    }

    private void OnLeaderChanged(RaftCluster<RaftClusterMember> cluster, RaftClusterMember? leader)
    {
        if (leader is not null && !leader.EndPoint.Equals(_self))
        {
            Volatile.Write(ref _lastLeaderContactTicks, Environment.TickCount64);
        }

        // This member as leader is announced by the leadership watch, once it may act.
        if (leader is null || !leader.EndPoint.Equals(_self))
        {
            _onLeaderChanged(leader is not null && _nodeIds.TryGetValue(leader.EndPoint, out var id) ? id : null, Term);
        }
    }

    private void OnLeaderContact(RaftCluster<RaftClusterMember> cluster, RaftClusterMember leader) =>
        Volatile.Write(ref _lastLeaderContactTicks, Environment.TickCount64);

    private async Task WatchLeadershipAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            CancellationToken token;
            try
            {
                // DotNext 6.12: completes once this member leads and has applied up to its term's first
                // entry (the write barrier), with a token cancelled when the leadership ends.
                token = await Cluster.WaitForLeadershipAsync(stop).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Stopping, the engine stopped, or its apply loop failed (the watchdog rebuilds the member).
                return;
            }

            if (token.IsCancellationRequested)
            {
                continue;
            }

            var term = Term;
            Volatile.Write(ref _leadership, new Leadership(token));
            _onLeadership(term, true);
            await WhenEitherCancelledAsync(token, stop).ConfigureAwait(false);
            Volatile.Write(ref _leadership, null);
            _onLeadership(term, false);
        }
    }

    // DotNext 6.12: WaitForApplyAsync fails with WriteAheadLog.InternalException once a background task
    // of the log (flusher, applier) has died; waiting for index 0 otherwise completes at once.
    private Exception? BackgroundFault()
    {
        var probe = Log.WaitForApplyAsync(0, CancellationToken.None);
        if (!probe.IsCompleted)
        {
            _ = probe.AsTask();
            return null;
        }

        try
        {
            probe.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static async Task WhenEitherCancelledAsync(CancellationToken first, CancellationToken second)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (first.Register(() => cancelled.TrySetResult()).ConfigureAwait(false))
        await using (second.Register(() => cancelled.TrySetResult()).ConfigureAwait(false))
        {
            await cancelled.Task.ConfigureAwait(false);
        }
    }

    private sealed record Leadership(CancellationToken Token);
}
