using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>
/// A consumer group's state at its coordinator: members, committed offsets, the group epoch (bumped
/// by every change to membership, subscriptions or the subscribed topics' partitions) and the target
/// assignment computed for it. All access goes through <see cref="Gate"/>, which callers hold across
/// the offsets-log append that records a change (a semaphore, not a lock, because that is I/O).
/// </summary>
public sealed class ConsumerGroup(string groupId)
{
    private Dictionary<string, HashSet<TopicPartition>> _target = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string GroupId { get; } = groupId;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public int GroupEpoch { get; set; }

    /// <summary>The group epoch the target assignment was computed for.</summary>
    public int TargetEpoch { get; private set; } = -1;

    public Dictionary<string, GroupMember> Members { get; } = new(StringComparer.Ordinal);

    public Dictionary<TopicPartition, CommittedOffset> Offsets { get; } = [];

    /// <summary>The partitions every member's subscription covered when the target was computed (to notice new ones).</summary>
    public IReadOnlySet<TopicPartition> SubscribedPartitions { get; private set; } = new HashSet<TopicPartition>();

    public IReadOnlySet<TopicPartition> TargetOf(string memberId) =>
        _target.TryGetValue(memberId, out var target) ? target : new HashSet<TopicPartition>();

    public GroupState State => Members.Count == 0
        ? GroupState.Empty
        : Members.Values.All(m => m.Assigned.SetEquals(TargetOf(m.MemberId)) && m.MemberEpoch == TargetEpoch) ? GroupState.Stable : GroupState.Reconciling;

    /// <summary>Completes at the next change that may affect any member's assignment: parked heartbeats wait on it.</summary>
    public Task Changed => _changed.Task;

    public void NotifyChanged()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>
    /// Recomputes the target assignment if the group epoch moved past it, or if the partitions the
    /// subscriptions cover changed (new topics or partitions); true when the target changed.
    /// </summary>
    public bool RefreshTarget(Func<string, bool> topicExists, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var subscriptions = Members.Values.ToDictionary(m => m.MemberId, m => (IReadOnlySet<TopicPartition>)Subscribed(m, partitionCounts, topicExists), StringComparer.Ordinal);
        var covered = subscriptions.Values.SelectMany(s => s).ToHashSet();
        if (TargetEpoch == GroupEpoch && covered.SetEquals(SubscribedPartitions))
        {
            return false;
        }

        if (TargetEpoch == GroupEpoch)
        {
            GroupEpoch++; // the subscribed topics changed under an unchanged membership
        }

        var current = Members.Values.ToDictionary(m => m.MemberId, m => (IReadOnlySet<TopicPartition>)(_target.TryGetValue(m.MemberId, out var t) ? t : m.Assigned), StringComparer.Ordinal);
        _target = UniformAssignor.Assign(subscriptions, current);
        TargetEpoch = GroupEpoch;
        SubscribedPartitions = covered;
        NotifyChanged();
        return true;
    }

    /// <summary>
    /// Moves a member toward its target, given what it reports owning: partitions it was told to
    /// revoke and no longer reports are released; once it has nothing left to revoke its epoch catches
    /// up with the target's and it gets the target partitions nobody else holds. Returns the assignment
    /// to send (its holdings minus what it must revoke) and whether anything changed.
    /// </summary>
    public (HashSet<TopicPartition> Assignment, bool Changed, bool Released) Reconcile(GroupMember member, IReadOnlySet<TopicPartition> owned, long nowMs)
    {
        var target = TargetOf(member.MemberId);
        var changed = false;
        var released = false;
        foreach (var p in member.Assigned.Where(p => !target.Contains(p) && !owned.Contains(p)).ToList())
        {
            member.Release(p);
            changed = released = true;
        }

        var revoking = member.Assigned.Any(p => !target.Contains(p));
        if (!revoking)
        {
            member.RevocationDeadlineMs = null;
            // Nothing left to revoke: the member is on the target epoch, even while some target
            // partitions are still held by members revoking them (those arrive later, same epoch).
            if (member.MemberEpoch != TargetEpoch)
            {
                member.PreviousEpoch = member.MemberEpoch;
                member.MemberEpoch = TargetEpoch;
                changed = true;
            }

            // New partitions only come with the new epoch (as in Kafka): every partition is then
            // handed over at an epoch above any at which this member held it before and let it go,
            // so the epoch a commit carries tells which ownership it was made under.
            var heldByOthers = Members.Values.Where(m => m != member).SelectMany(m => m.Assigned).ToHashSet();
            foreach (var p in target)
            {
                if (!member.Assigned.Contains(p) && !heldByOthers.Contains(p))
                {
                    member.Acquire(p, member.MemberEpoch);
                    changed = true;
                }
            }
        }
        else
        {
            member.RevocationDeadlineMs ??= nowMs + (long)member.RebalanceTimeout.TotalMilliseconds;
        }

        return (member.Assigned.Where(target.Contains).ToHashSet(), changed, released);
    }

    private static HashSet<TopicPartition> Subscribed(GroupMember member, IReadOnlyDictionary<string, int> partitionCounts, Func<string, bool> topicExists)
    {
        var topics = new HashSet<string>(member.Topics.Where(topicExists), StringComparer.Ordinal);
        if (member.TopicPattern is { } pattern)
        {
            topics.UnionWith(partitionCounts.Keys.Where(pattern.IsMatch));
        }

        var result = new HashSet<TopicPartition>();
        foreach (var topic in topics)
        {
            if (partitionCounts.TryGetValue(topic, out var count))
            {
                for (var p = 0; p < count; p++)
                {
                    result.Add(new TopicPartition(topic, p));
                }
            }
        }

        return result;
    }
}
