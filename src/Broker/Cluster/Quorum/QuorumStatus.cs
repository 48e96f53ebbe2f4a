namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>A quorum member's view of the quorum at one moment.</summary>
public sealed record QuorumStatus(
    int NodeId,
    int? LeaderId,
    long Term,
    long CommitIndex,
    long AppliedIndex,
    IReadOnlyList<VoterStatus> Voters,
    long Restarts);

/// <summary>
/// One voter: its id and Raft endpoint, and, as the leader sees it, the last index it is known to
/// hold (-1 when unknown, e.g. on a follower) and when it last answered (null when unknown).
/// </summary>
public sealed record VoterStatus(int NodeId, string Endpoint, long MatchIndex, DateTimeOffset? LastContact);
