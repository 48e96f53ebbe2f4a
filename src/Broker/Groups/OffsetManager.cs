using Google.Protobuf;
using LogBroker.Broker.Groups.Records;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Groups;

/// <summary>
/// Committed offsets: commits from members or from tools when the group has no members; fetches; and
/// the operator's reset, refused while the group has members unless forced. A member commits only the
/// partitions it holds, at an epoch no older than the one it was handed each of them at, so neither a
/// fenced member nor a late commit from an earlier ownership (its auto-commit landing after it let the
/// partition go) can move the position of the partition's next owner.
/// </summary>
public sealed class OffsetManager(GroupStore store, IPartitionOffsets logOffsets, GroupCoordinatorOptions options, TimeProvider time)
{
    public async Task<(ErrorCode Error, string? Message, IReadOnlyList<OffsetCommitOutcome> Results)> CommitAsync(string groupId, string memberId, int memberEpoch, IReadOnlyList<OffsetCommitEntry> offsets, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return (error, message, []);
        }

        var group = await store.LockAsync(groupId, create: false, cancellationToken);
        if (group is null)
        {
            // A group is created by what it stores: a refused commit leaves nothing behind.
            if (!string.IsNullOrEmpty(memberId))
            {
                return (ErrorCode.UnknownMemberId, $"member {memberId} is not in group '{groupId}' (it was fenced or left)", []);
            }

            var refusals = offsets.Select(o => (o.Partition, Check: Check(o, null, memberEpoch))).ToList();
            if (refusals.All(r => r.Check.Error != ErrorCode.None))
            {
                return (ErrorCode.None, null, [.. refusals.Select(r => new OffsetCommitOutcome(r.Partition, r.Check.Error, r.Check.Message))]);
            }

            group = (await store.LockAsync(groupId, create: true, cancellationToken))!;
        }

        (ErrorCode Error, string? Message, IReadOnlyList<OffsetCommitOutcome> Results) outcome;
        try
        {
            var (fence, reason, member) = CheckMember(group, memberId, memberEpoch);
            if (fence != ErrorCode.None)
            {
                return (fence, reason, []);
            }


            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var results = new List<OffsetCommitOutcome>(offsets.Count);
            var records = new List<(GroupRecordKey, IMessage?)>();
            var accepted = new List<(TopicPartition, CommittedOffset)>();
            foreach (var entry in offsets)
            {
                var refusal = Check(entry, member, memberEpoch);
                results.Add(new OffsetCommitOutcome(entry.Partition, refusal.Error, refusal.Message));
                if (refusal.Error == ErrorCode.None)
                {
                    var committed = new CommittedOffset(entry.Offset, entry.Metadata, now);
                    records.Add(OffsetsLog.OffsetCommit(groupId, entry.Partition, committed));
                    accepted.Add((entry.Partition, committed));
                }
            }

            store.Log.Append(groupId, records);
            foreach (var (partition, committed) in accepted)
            {
                group.Offsets[partition] = committed;
            }

            outcome = (ErrorCode.None, null, results);
        }
        finally
        {
            group.Gate.Release();
        }

        // Acknowledged only once replicated: a commit must survive the coordinator's broker.
        var (replicationError, replicationMessage) = await store.Log.WaitReplicatedAsync(groupId, options.ReplicationTimeout);
        return replicationError == ErrorCode.None ? outcome : (replicationError, replicationMessage, []);
    }

    public async Task<(ErrorCode Error, string? Message, IReadOnlyDictionary<TopicPartition, CommittedOffset> Offsets)> FetchAsync(string groupId, IReadOnlyCollection<TopicPartition>? partitions, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return (error, message, new Dictionary<TopicPartition, CommittedOffset>());
        }

        if (!store.TryGet(groupId, out var group))
        {
            return (ErrorCode.None, null, new Dictionary<TopicPartition, CommittedOffset>());
        }

        await group.Gate.WaitAsync(cancellationToken);
        try
        {
            return (ErrorCode.None, null, partitions is null || partitions.Count == 0
                ? new Dictionary<TopicPartition, CommittedOffset>(group.Offsets)
                : partitions.Where(group.Offsets.ContainsKey).ToDictionary(p => p, p => group.Offsets[p]));
        }
        finally
        {
            group.Gate.Release();
        }
    }

    /// <summary>
    /// Moves the group's offsets for a topic's partitions (all when <paramref name="partitions"/> is empty),
    /// clamped to what the logs hold. Refused with NON_EMPTY_GROUP while the group has members, unless forced.
    /// </summary>
    public async Task<(ErrorCode Error, string? Message, IReadOnlyDictionary<TopicPartition, CommittedOffset> Offsets)> ResetAsync(string groupId, string topic, IReadOnlyCollection<int> partitions, OffsetResetSpec spec, bool force, bool dryRun, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return (error, message, new Dictionary<TopicPartition, CommittedOffset>());
        }

        var counts = store.PartitionCounts();
        if (!counts.TryGetValue(topic, out var count))
        {
            return (ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' does not exist", new Dictionary<TopicPartition, CommittedOffset>());
        }

        var targets = (partitions.Count == 0 ? Enumerable.Range(0, count) : partitions).Select(p => new TopicPartition(topic, p)).ToList();
        if (targets.FirstOrDefault(p => p.Partition < 0 || p.Partition >= count) is { Topic: not null } missing)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' has {count} partition(s); partition {missing.Partition} does not exist", new Dictionary<TopicPartition, CommittedOffset>());
        }

        // A dry run of a group that does not exist computes from no offsets and creates nothing.
        var group = await store.LockAsync(groupId, create: !dryRun, cancellationToken);
        Dictionary<TopicPartition, CommittedOffset> reset;
        try
        {
            if (group is not null && group.Members.Count > 0 && !force)
            {
                return (ErrorCode.NonEmptyGroup, $"group '{groupId}' has {group.Members.Count} active member(s); stop them or force the reset", new Dictionary<TopicPartition, CommittedOffset>());
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var result = new Dictionary<TopicPartition, CommittedOffset>();
            var earliest = await logOffsets.ListAsync(targets, OffsetSpecs.Earliest, cancellationToken);
            var latest = await logOffsets.ListAsync(targets, OffsetSpecs.Latest, cancellationToken);
            var byTime = spec.Kind == OffsetResetKind.Timestamp ? await logOffsets.ListAsync(targets, spec.Value, cancellationToken) : null;
            foreach (var partition in targets)
            {
                var start = earliest[partition];
                var end = latest[partition];
                var failed = start.Error != ErrorCode.None ? start : end.Error != ErrorCode.None ? end : byTime?[partition] is { Error: not ErrorCode.None } t ? t : default;
                if (failed.Error != ErrorCode.None)
                {
                    return (failed.Error, $"cannot reset {partition}: {failed.Message}", new Dictionary<TopicPartition, CommittedOffset>());
                }

                var target = spec.Kind switch
                {
                    OffsetResetKind.Earliest => start.Offset,
                    OffsetResetKind.Latest => end.Offset,
                    OffsetResetKind.Timestamp => byTime![partition].Offset is >= 0 and var found ? found : end.Offset,
                    OffsetResetKind.Offset => spec.Value,
                    OffsetResetKind.ShiftBy => (group is not null && group.Offsets.TryGetValue(partition, out var current) ? current.Offset : end.Offset) + spec.Value,
                    _ => end.Offset,
                };
                result[partition] = new CommittedOffset(Math.Clamp(target, start.Offset, end.Offset), string.Empty, now);
            }

            if (group is not null && !dryRun)
            {
                store.Log.Append(groupId, [.. result.Select(kv => OffsetsLog.OffsetCommit(groupId, kv.Key, kv.Value))]);
                foreach (var (partition, committed) in result)
                {
                    group.Offsets[partition] = committed;
                }
            }

            reset = result;
        }
        finally
        {
            group?.Gate.Release();
        }

        var (replicationError, replicationMessage) = dryRun ? (ErrorCode.None, null) : await store.Log.WaitReplicatedAsync(groupId, options.ReplicationTimeout);
        return replicationError == ErrorCode.None ? (ErrorCode.None, null, reset) : (replicationError, replicationMessage, new Dictionary<TopicPartition, CommittedOffset>());
    }

    /// <summary>The committing member (null for a tool's commit to a group without members), or why the whole commit is refused.</summary>
    private static (ErrorCode Error, string? Message, GroupMember? Member) CheckMember(ConsumerGroup group, string memberId, int memberEpoch)
    {
        if (string.IsNullOrEmpty(memberId))
        {
            return group.Members.Count == 0
                ? (ErrorCode.None, null, null)
                : (ErrorCode.UnknownMemberId, $"group '{group.GroupId}' has members: commits must come from one of them", null);
        }

        if (!group.Members.TryGetValue(memberId, out var member))
        {
            return (ErrorCode.UnknownMemberId, $"member {memberId} is not in group '{group.GroupId}' (it was fenced or left)", null);
        }

        if (memberEpoch > member.MemberEpoch)
        {
            return (ErrorCode.FencedMemberEpoch, $"member epoch {memberEpoch} is ahead of the coordinator's {member.MemberEpoch}", null);
        }

        return memberEpoch < member.PreviousEpoch
            ? (ErrorCode.StaleMemberEpoch, $"member epoch {memberEpoch} is stale (current {member.MemberEpoch}); heartbeat and retry", null)
            : (ErrorCode.None, null, member);
    }

    /// <summary>
    /// One partition of a commit. A member's commit for a partition it does not hold, or holds only
    /// since a later epoch than the commit was made at, is refused with STALE_MEMBER_EPOCH, as Kafka
    /// refuses it per partition (KIP-1251): the committer's view of its assignment is out of date; the
    /// partition's offsets belong to whoever owns it now.
    /// </summary>
    private (ErrorCode Error, string? Message) Check(OffsetCommitEntry entry, GroupMember? member, int memberEpoch)
    {
        if (member is not null && !member.HeldSince(entry.Partition, memberEpoch, out var assignmentEpoch))
        {
            return member.Assigned.Contains(entry.Partition)
                ? (ErrorCode.StaleMemberEpoch, $"{entry.Partition} was assigned to member {member.MemberId} at epoch {assignmentEpoch}, after epoch {memberEpoch} of this commit")
                : (ErrorCode.StaleMemberEpoch, $"{entry.Partition} is not assigned to member {member.MemberId}; its owner commits its offsets");
        }

        if (entry.Offset < 0)
        {
            return (ErrorCode.InvalidRequest, $"offset {entry.Offset} for {entry.Partition} is negative");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(entry.Metadata) > options.MaxOffsetMetadataBytes)
        {
            return (ErrorCode.OffsetMetadataTooLarge, $"commit metadata is limited to {options.MaxOffsetMetadataBytes} bytes");
        }

        return store.PartitionCounts().TryGetValue(entry.Partition.Topic, out var count) && entry.Partition.Partition >= 0 && entry.Partition.Partition < count
            ? (ErrorCode.None, null)
            : (ErrorCode.UnknownTopicOrPartition, $"{entry.Partition} does not exist");
    }
}
