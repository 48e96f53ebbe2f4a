namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The replicated metadata log, as the controller and the brokers see it: entries proposed on the
/// quorum's leader are committed by a majority of voters and applied, in index order, to the
/// <see cref="IMetadataStateMachine"/> of every member. This is the only seam between LogBroker and
/// the consensus engine (DotNext's Raft today): the controller logic, the metadata image and the
/// brokers know nothing else about it, so the engine can be replaced without touching them.
/// <para>
/// Entries are opaque bytes to the quorum. Engine-internal entries (a new term's empty entry,
/// membership changes) are never handed to the state machine.
/// </para>
/// </summary>
public interface IMetadataQuorum : IAsyncDisposable
{
    /// <summary>This member's node id (the broker's node id).</summary>
    int NodeId { get; }

    /// <summary>
    /// Restores the last snapshot and the write-ahead log, applies what was committed, and joins the
    /// quorum. Returns once the member runs; a leader may not be known yet.
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>The node id of the current leader (the active controller), or null while none is known.</summary>
    int? LeaderId { get; }

    /// <summary>
    /// True while this member leads <em>and</em> has applied every entry committed before its term
    /// began, so that a controller acting on the applied state acts on everything committed.
    /// </summary>
    bool IsLeader { get; }

    /// <summary>The current Raft term as this member knows it.</summary>
    long Term { get; }

    /// <summary>
    /// Index of the last log entry applied: handed to the state machine, or passed over when it is
    /// engine-internal (those take log indexes too, so this reaches the commit index when caught up).
    /// </summary>
    long AppliedIndex { get; }

    /// <summary>
    /// Raised after leadership changes as this member sees it (another leader, none, or this member
    /// becoming leader, once <see cref="IsLeader"/> holds). Handlers run on a thread-pool thread, one at a
    /// time, and must not block.
    /// </summary>
    event Action<QuorumLeadership>? LeadershipChanged;

    /// <summary>
    /// Appends <paramref name="entry"/> to the log. Completes with the entry's index once a majority has
    /// it and this member's state machine has applied it (so the caller sees its effect). Throws
    /// <see cref="NotQuorumLeaderException"/> when this member is not the leader, or stopped leading
    /// before the entry was known to be committed (it may still commit: callers make entries that are
    /// safe to apply twice, or check the state before retrying).
    /// </summary>
    ValueTask<long> ReplicateAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken);

    /// <summary>What <c>lbctl cluster</c> and the metrics show: voters, leader, term, indexes, lag, restarts.</summary>
    QuorumStatus Status { get; }
}
