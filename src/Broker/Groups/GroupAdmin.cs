using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Groups;

/// <summary>Listing, describing (with lag) and deleting the groups this broker coordinates.</summary>
public sealed class GroupAdmin(GroupStore store, IPartitionOffsets logOffsets, GroupCoordinatorOptions options)
{
    /// <summary>Every group coordinated here, each read under its gate: heartbeats change members and assignments meanwhile.</summary>
    public async Task<IReadOnlyList<(string GroupId, GroupState State, int Members)>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<(string, GroupState, int)>();
        foreach (var group in store.Groups.OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList())
        {
            await group.Gate.WaitAsync(cancellationToken);
            try
            {
                if (store.TryGet(group.GroupId, out var current) && current == group)
                {
                    result.Add((group.GroupId, group.State, group.Members.Count));
                }
            }
            finally
            {
                group.Gate.Release();
            }
        }

        return result;
    }

    public async Task<(ErrorCode Error, string? Message, GroupDescription? Description)> DescribeAsync(string groupId, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return (error, message, null);
        }

        var group = await store.LockAsync(groupId, create: false, cancellationToken);
        if (group is null)
        {
            return (ErrorCode.GroupIdNotFound, $"group '{groupId}' does not exist", null);
        }

        List<GroupMemberDescription> members;
        Dictionary<TopicPartition, string> owners;
        Dictionary<TopicPartition, CommittedOffset> offsets;
        GroupState state;
        int epoch;
        try
        {
            owners = group.Members.Values.SelectMany(m => m.Assigned.Select(p => (p, m.MemberId))).ToDictionary(x => x.p, x => x.MemberId);
            members = group.Members.Values.OrderBy(m => m.MemberId, StringComparer.Ordinal)
                .Select(m => new GroupMemberDescription(m.MemberId, m.InstanceId, m.MemberEpoch, m.Topics, m.TopicRegex, [.. m.Assigned], [.. group.TargetOf(m.MemberId)]))
                .ToList();
            offsets = new Dictionary<TopicPartition, CommittedOffset>(group.Offsets);
            state = group.State;
            epoch = group.GroupEpoch;
        }
        finally
        {
            group.Gate.Release();
        }

        // Log ends come from each partition's leader, wherever it is, outside the group's gate.
        var listed = offsets.Keys.Concat(owners.Keys).Distinct().OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition).ToList();
        var starts = await logOffsets.ListAsync(listed, OffsetSpecs.Earliest, cancellationToken);
        var ends = await logOffsets.ListAsync(listed, OffsetSpecs.Latest, cancellationToken);
        var partitions = listed.Select(p =>
        {
            var committed = offsets.TryGetValue(p, out var c) ? c : new CommittedOffset(-1, string.Empty, -1);
            var known = ends[p].Error == ErrorCode.None && starts[p].Error == ErrorCode.None;
            var end = known ? ends[p].Offset : -1;

            // Without a committed offset a consumer can start no earlier than the log start.
            var lag = known ? Math.Max(0, end - (committed.Offset >= 0 ? committed.Offset : starts[p].Offset)) : -1;
            return new GroupPartitionDescription(p, committed.Offset, committed.Metadata, end, lag, owners.GetValueOrDefault(p));
        }).ToList();
        return (ErrorCode.None, null, new GroupDescription(groupId, state, epoch, members, partitions));
    }

    /// <summary>Deletes a group without members: its offsets and epoch are tombstoned.</summary>
    public async Task<(ErrorCode Error, string? Message)> DeleteAsync(string groupId, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return (error, message);
        }

        var group = await store.LockAsync(groupId, create: false, cancellationToken);
        if (group is null)
        {
            return (ErrorCode.GroupIdNotFound, $"group '{groupId}' does not exist");
        }

        try
        {
            if (group.Members.Count > 0)
            {
                return (ErrorCode.NonEmptyGroup, $"group '{groupId}' has {group.Members.Count} active member(s)");
            }

            var records = group.Offsets.Keys.Select(p => OffsetsLog.OffsetCommit(groupId, p, null)).Append(OffsetsLog.GroupEpoch(groupId, null)).ToList();
            store.Log.Append(groupId, records);
            group.Offsets.Clear();
            store.Remove(group);
        }
        finally
        {
            group.Gate.Release();
        }

        return await store.Log.WaitReplicatedAsync(groupId, options.ReplicationTimeout);
    }

    public TopicPartition OffsetsPartitionOf(string groupId) => store.Log.PartitionOf(groupId);
}
