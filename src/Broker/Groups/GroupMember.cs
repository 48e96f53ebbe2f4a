using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>
/// One member of a consumer group as the coordinator tracks it. <see cref="Assigned"/> is what the
/// member may own: nobody else gets those partitions, including ones it has been told to revoke but
/// has not yet reported released. Each held partition remembers the member epoch it was handed over
/// at (Kafka's assignment epoch, KIP-1251): a commit made at an older epoch comes from before this
/// ownership began. Mutated only under the group's gate.
/// </summary>
public sealed class GroupMember(string memberId)
{
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly Dictionary<TopicPartition, int> _assignmentEpochs = [];

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

    public IReadOnlySet<TopicPartition> Assigned => _assigned;

    /// <summary>Wall-clock ms of the last heartbeat (its arrival or its answer).</summary>
    public long LastSeenMs { get; set; }

    /// <summary>Heartbeats of this member parked at the coordinator: while any is, the member is alive.</summary>
    public int ParkedHeartbeats { get; set; }

    /// <summary>When an unacknowledged revocation times out (the member is then removed), or null.</summary>
    public long? RevocationDeadlineMs { get; set; }

    /// <summary>A static member that left for now (epoch -2): its partitions wait for it until this time.</summary>
    public long? AwayUntilMs { get; set; }

    /// <summary>When a new member with this one's instance id was last refused because this one's session was still live: the instance is restarting.</summary>
    public long? ReplacementRefusedAtMs { get; set; }

    /// <summary>Hands <paramref name="partition"/> to this member at <paramref name="epoch"/> (no change if it holds it already).</summary>
    public void Acquire(TopicPartition partition, int epoch)
    {
        if (_assigned.Add(partition))
        {
            _assignmentEpochs[partition] = epoch;
        }
    }

    public void Release(TopicPartition partition)
    {
        _assigned.Remove(partition);
        _assignmentEpochs.Remove(partition);
    }

    /// <summary>Releases everything not in <paramref name="kept"/>.</summary>
    public void ReleaseAllBut(IReadOnlySet<TopicPartition> kept)
    {
        foreach (var partition in _assigned.Where(p => !kept.Contains(p)).ToList())
        {
            Release(partition);
        }
    }

    /// <summary>Takes over what <paramref name="previous"/> held, with the epochs it held them since (a static member back under a new id).</summary>
    public void TakeOver(GroupMember previous)
    {
        foreach (var (partition, epoch) in previous._assignmentEpochs)
        {
            Acquire(partition, epoch);
        }
    }

    /// <summary>
    /// Whether this member held <paramref name="partition"/> at <paramref name="epoch"/> and still does:
    /// then nobody else can have owned it in between, so a commit made at that epoch is its owner's.
    /// </summary>
    public bool HeldSince(TopicPartition partition, int epoch, out int assignmentEpoch) =>
        _assignmentEpochs.TryGetValue(partition, out assignmentEpoch) && assignmentEpoch <= epoch;

    public bool IsAlive(long nowMs) =>
        AwayUntilMs is { } away ? nowMs < away : ParkedHeartbeats > 0 || nowMs - LastSeenMs < (long)SessionTimeout.TotalMilliseconds;
}
