using LogBroker.Broker.Kafka.Messages;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>
/// A classic-protocol consumer group (Kafka's JoinGroup/SyncGroup state machine with client-side
/// assignment): Empty → PreparingRebalance (members join; it completes when all known members have
/// rejoined, or at the rebalance deadline without the ones that did not) → CompletingRebalance (a new
/// generation; the leader computes the assignment) → Stable (SyncGroup handed it out). Any join,
/// leave or expired session starts a new rebalance. Every member and method is used under
/// <see cref="Lock"/>; parked joins and syncs are completed by setting their results, never under I/O.
/// </summary>
internal sealed class ClassicGroup(string groupId)
{
    private readonly Dictionary<string, long> _pendingMemberIds = new(StringComparer.Ordinal);

    public string GroupId { get; } = groupId;

    public Lock Lock { get; } = new();

    public ClassicGroupState State { get; private set; } = ClassicGroupState.Empty;

    public int GenerationId { get; private set; }

    public string? ProtocolType { get; private set; }

    public string? ProtocolName { get; private set; }

    public string? LeaderId { get; private set; }

    public Dictionary<string, ClassicMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>When the current rebalance completes even if some members have not rejoined (ms since the epoch).</summary>
    public long RebalanceDeadlineMs { get; private set; }

    /// <summary>A first rebalance waits until then for more members (Kafka's group.initial.rebalance.delay.ms).</summary>
    public long InitialDelayUntilMs { get; private set; }

    /// <summary>When CompletingRebalance gives up on the leader's assignment and rebalances again.</summary>
    public long SyncDeadlineMs { get; private set; }

    public bool HasPendingMembers => _pendingMemberIds.Count > 0;

    /// <summary>Protocols every current member supports: a new member must share one.</summary>
    public bool SupportsProtocols(string protocolType, IReadOnlyList<JoinGroupProtocol> protocols)
    {
        if (Members.Count == 0)
        {
            return true;
        }

        return protocolType == ProtocolType && protocols.Any(p => Members.Values.All(m => m.Protocols.Any(mp => mp.Name == p.Name)));
    }

    public string NewPendingMember(string memberId, long expiresAtMs)
    {
        _pendingMemberIds[memberId] = expiresAtMs;
        return memberId;
    }

    public bool TakePendingMember(string memberId) => _pendingMemberIds.Remove(memberId);

    public void ExpirePendingMembers(long nowMs)
    {
        foreach (var (id, expires) in _pendingMemberIds.ToList())
        {
            if (expires <= nowMs)
            {
                _pendingMemberIds.Remove(id);
            }
        }
    }

    public ClassicMember? FindByInstance(string instanceId) => Members.Values.FirstOrDefault(m => m.InstanceId == instanceId);

    /// <summary>Adds a member; the first one decides the group's protocol type.</summary>
    public void Add(ClassicMember member, string protocolType)
    {
        Members[member.MemberId] = member;
        ProtocolType ??= protocolType;
    }

    /// <summary>
    /// Removes a member, failing its parked calls with <paramref name="error"/>; the others rebalance,
    /// or the group becomes Empty when none is left.
    /// </summary>
    public void Remove(ClassicMember member, ErrorCode error, long nowMs, int initialDelayMs)
    {
        Members.Remove(member.MemberId);
        member.JoinWaiter?.TrySetResult(JoinGroupResult.Failed(error, member.MemberId));
        member.SyncWaiter?.TrySetResult(new SyncGroupResult(error, null, null, []));
        member.JoinWaiter = null;
        member.SyncWaiter = null;
        if (Members.Count == 0)
        {
            State = ClassicGroupState.Empty;
            GenerationId++;
            ProtocolType = null;
            ProtocolName = null;
            LeaderId = null;
            return;
        }

        if (LeaderId == member.MemberId)
        {
            LeaderId = null;
        }

        PrepareRebalance(nowMs, initialDelayMs);
        TryCompleteJoin(nowMs);
    }

    /// <summary>Starts (or keeps) a rebalance: members are told by their heartbeats to rejoin by the deadline.</summary>
    public void PrepareRebalance(long nowMs, int initialDelayMs)
    {
        if (State == ClassicGroupState.CompletingRebalance)
        {
            foreach (var m in Members.Values)
            {
                m.SyncWaiter?.TrySetResult(new SyncGroupResult(ErrorCode.RebalanceInProgress, null, null, []));
                m.SyncWaiter = null;
            }
        }

        if (State == ClassicGroupState.PreparingRebalance)
        {
            return;
        }

        InitialDelayUntilMs = State == ClassicGroupState.Empty ? nowMs + initialDelayMs : nowMs;
        RebalanceDeadlineMs = nowMs + Math.Max(initialDelayMs, Members.Values.Select(m => m.RebalanceTimeoutMs).DefaultIfEmpty(0).Max());
        State = ClassicGroupState.PreparingRebalance;
    }

    /// <summary>Completes the join phase once every member has rejoined (and the initial delay is over): a new generation starts.</summary>
    public bool TryCompleteJoin(long nowMs)
    {
        if (State != ClassicGroupState.PreparingRebalance || nowMs < InitialDelayUntilMs || Members.Values.Any(m => m.JoinWaiter is null))
        {
            return false;
        }

        CompleteJoin(nowMs);
        return true;
    }

    /// <summary>The rebalance deadline passed: members that did not rejoin are dropped and the rest go on.</summary>
    public void CompleteJoinAtDeadline(long nowMs)
    {
        foreach (var late in Members.Values.Where(m => m.JoinWaiter is null).ToList())
        {
            Members.Remove(late.MemberId);
            late.SyncWaiter?.TrySetResult(new SyncGroupResult(ErrorCode.UnknownMemberId, null, null, []));
        }

        if (Members.Count == 0)
        {
            State = ClassicGroupState.Empty;
            GenerationId++;
            ProtocolType = null;
            return;
        }

        CompleteJoin(nowMs);
    }

    /// <summary>The leader's assignment arrived: every member gets its share and the group is Stable.</summary>
    public void CompleteSync(IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        foreach (var m in Members.Values)
        {
            m.Assignment = [];
        }

        foreach (var (memberId, assignment) in assignments)
        {
            if (Members.TryGetValue(memberId, out var m))
            {
                m.Assignment = assignment;
            }
        }

        State = ClassicGroupState.Stable;
        foreach (var m in Members.Values)
        {
            m.SyncWaiter?.TrySetResult(new SyncGroupResult(ErrorCode.None, ProtocolType, ProtocolName, m.Assignment));
            m.SyncWaiter = null;
        }
    }

    /// <summary>Marks the group removed: callers holding it look it up again.</summary>
    public void MarkDead() => State = ClassicGroupState.Dead;

    private void CompleteJoin(long nowMs)
    {
        GenerationId++;
        var members = Members.Values.ToList();
        var leader = LeaderId is not null && Members.TryGetValue(LeaderId, out var current) ? current : members[0];
        LeaderId = leader.MemberId;

        // The first of the leader's protocols (its preference order) that every member supports.
        ProtocolName = leader.Protocols.Select(p => p.Name).First(name => members.All(m => m.Protocols.Any(p => p.Name == name)));
        State = ClassicGroupState.CompletingRebalance;
        SyncDeadlineMs = nowMs + members.Max(m => m.RebalanceTimeoutMs);
        IReadOnlyList<JoinGroupMember> all = [.. members.Select(m => new JoinGroupMember(m.MemberId, m.InstanceId, m.MetadataFor(ProtocolName)))];
        foreach (var m in members)
        {
            m.Assignment = [];
            m.LastHeartbeatMs = nowMs;
            var result = new JoinGroupResult(ErrorCode.None, GenerationId, ProtocolType, ProtocolName, LeaderId, m.MemberId, m == leader ? all : []);
            m.JoinWaiter?.TrySetResult(result);
            m.JoinWaiter = null;
        }
    }
}
