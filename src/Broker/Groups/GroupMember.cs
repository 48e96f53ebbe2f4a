using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>
/// One member of a consumer group as the coordinator tracks it. <see cref="Assigned"/> is what the
/// member may own: nobody else gets those partitions, including ones it has been told to revoke but
/// has not yet reported released. Mutated only under the group's gate.
/// </summary>
public sealed class GroupMember(string memberId)
{
    public string MemberId { get; } = memberId;

    public string? InstanceId { get; set; }

    public int MemberEpoch { get; set; }

    /// <summary>The epoch before the last bump: a request racing with the bump still counts.</summary>
    public int PreviousEpoch { get; set; }

    public IReadOnlyList<string> Topics { get; set; } = [];

    /// <summary>The subscription by regular expression, compiled when it was set; null when subscribing by list only.</summary>
    public TopicPattern? TopicPattern { get; set; }

    public string? TopicRegex => TopicPattern?.Pattern;

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(45);

    public TimeSpan RebalanceTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public HashSet<TopicPartition> Assigned { get; } = [];

    /// <summary>Wall-clock ms of the last heartbeat (its arrival or its answer).</summary>
    public long LastSeenMs { get; set; }

    /// <summary>Heartbeats of this member parked at the coordinator: while any is, the member is alive.</summary>
    public int ParkedHeartbeats { get; set; }

    /// <summary>When an unacknowledged revocation times out (the member is then removed), or null.</summary>
    public long? RevocationDeadlineMs { get; set; }

    /// <summary>A static member that left for now (epoch -2): its partitions wait for it until this time.</summary>
    public long? AwayUntilMs { get; set; }

    public bool IsAlive(long nowMs) =>
        AwayUntilMs is { } away ? nowMs < away : ParkedHeartbeats > 0 || nowMs - LastSeenMs < (long)SessionTimeout.TotalMilliseconds;
}
