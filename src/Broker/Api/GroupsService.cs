using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Groups;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using GroupDescription = LogBroker.Protocol.Grpc.GroupDescription;
using GroupMemberDescription = LogBroker.Protocol.Grpc.GroupMemberDescription;
using GroupPartitionDescription = LogBroker.Protocol.Grpc.GroupPartitionDescription;

namespace LogBroker.Broker.Api;

/// <summary>Consumer groups over gRPC: maps requests to the coordinator, offset manager and group admin.</summary>
public sealed class GroupsService(
    GroupCoordinator coordinator,
    OffsetManager offsets,
    GroupAdmin admin,
    MetadataStore metadata,
    BrokerIdentity identity) : Protocol.Grpc.Groups.GroupsBase
{
    public override async Task<FindCoordinatorResponse> FindCoordinator(FindCoordinatorRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return new FindCoordinatorResponse { ErrorCode = (int)ErrorCode.InvalidGroupId, ErrorMessage = "the group id is empty", NodeId = -1 };
        }

        var (error, message) = await coordinator.EnsureOffsetsTopicAsync(context.CancellationToken);
        if (error != ErrorCode.None)
        {
            return new FindCoordinatorResponse { ErrorCode = (int)error, ErrorMessage = message, NodeId = -1 };
        }

        // The coordinator is the leader of the group's __consumer_offsets partition, wherever it is.
        var partition = admin.OffsetsPartitionOf(request.GroupId);
        var image = metadata.Image;
        return image.TryGetPartition(partition, out var p) && p.HasLeader && image.IsActive(p.Leader) && image.AddressOf(p.Leader) is { } address
            ? new FindCoordinatorResponse { NodeId = p.Leader, Address = address }
            : new FindCoordinatorResponse { ErrorCode = (int)ErrorCode.CoordinatorNotAvailable, ErrorMessage = $"{partition} has no leader right now", NodeId = -1 };
    }

    public override async Task<GroupHeartbeatResponse> Heartbeat(GroupHeartbeatRequest request, ServerCallContext context)
    {
        var owned = request.OwnedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToHashSet();
        var result = await coordinator.HeartbeatAsync(
            new HeartbeatRequest(
                request.GroupId,
                request.MemberId,
                request.MemberEpoch,
                string.IsNullOrEmpty(request.InstanceId) ? null : request.InstanceId,
                TimeSpan.FromMilliseconds(request.SessionTimeoutMs),
                TimeSpan.FromMilliseconds(request.RebalanceTimeoutMs),
                request.SubscribedTopics,
                request.SubscribedTopicRegex,
                owned,
                TimeSpan.FromMilliseconds(Math.Max(0, request.MaxWaitMs))),
            context.CancellationToken);
        var response = new GroupHeartbeatResponse
        {
            ErrorCode = (int)result.Error,
            ErrorMessage = result.Message ?? string.Empty,
            MemberId = result.MemberId,
            MemberEpoch = result.MemberEpoch,
            HeartbeatIntervalMs = (int)result.HeartbeatInterval.TotalMilliseconds,
        };
        response.Assignment.AddRange(ToWire(result.Assignment));
        return response;
    }

    public override async Task<CommitOffsetsResponse> CommitOffsets(CommitOffsetsRequest request, ServerCallContext context)
    {
        var entries = request.Offsets.Select(o => new OffsetCommitEntry(new TopicPartition(o.Topic, o.Partition), o.Offset, o.Metadata)).ToList();
        var (error, message, results) = await offsets.CommitAsync(request.GroupId, request.MemberId, request.MemberEpoch, entries, context.CancellationToken);
        var response = new CommitOffsetsResponse { ErrorCode = (int)error, ErrorMessage = message ?? string.Empty };
        response.Results.AddRange(results.Select(r => new PartitionCommitResult { Topic = r.Partition.Topic, Partition = r.Partition.Partition, ErrorCode = (int)r.Error, ErrorMessage = r.Message ?? string.Empty }));
        return response;
    }

    public override async Task<FetchOffsetsResponse> FetchOffsets(FetchOffsetsRequest request, ServerCallContext context)
    {
        var partitions = request.Partitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).ToList();
        var (error, message, found) = await offsets.FetchAsync(request.GroupId, partitions, context.CancellationToken);
        var response = new FetchOffsetsResponse { ErrorCode = (int)error, ErrorMessage = message ?? string.Empty };
        var wanted = partitions.Count > 0 ? partitions : [.. found.Keys];
        foreach (var p in wanted.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition))
        {
            var committed = found.TryGetValue(p, out var c) ? c : new Groups.CommittedOffset(-1, string.Empty, -1);
            response.Offsets.Add(new Protocol.Grpc.CommittedOffset { Topic = p.Topic, Partition = p.Partition, Offset = committed.Offset, Metadata = committed.Metadata, CommitTimestamp = committed.CommitTimestampMs });
        }

        return response;
    }

    public override async Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context)
    {
        var response = new ListGroupsResponse();
        response.Groups.AddRange((await admin.ListAsync(context.CancellationToken)).Select(g => new GroupListing { GroupId = g.GroupId, State = g.State.ToString(), Members = g.Members }));
        return response;
    }

    public override async Task<DescribeGroupsResponse> DescribeGroups(DescribeGroupsRequest request, ServerCallContext context)
    {
        var response = new DescribeGroupsResponse();
        foreach (var groupId in request.GroupIds)
        {
            var (error, message, description) = await admin.DescribeAsync(groupId, context.CancellationToken);
            var group = new GroupDescription { GroupId = groupId, ErrorCode = (int)error, ErrorMessage = message ?? string.Empty, CoordinatorId = identity.NodeId };
            if (description is not null)
            {
                group.State = description.State.ToString();
                group.GroupEpoch = description.GroupEpoch;
                foreach (var m in description.Members)
                {
                    var member = new GroupMemberDescription { MemberId = m.MemberId, InstanceId = m.InstanceId ?? string.Empty, MemberEpoch = m.MemberEpoch, SubscribedTopicRegex = m.TopicRegex ?? string.Empty };
                    member.SubscribedTopics.AddRange(m.Topics);
                    member.Assignment.AddRange(ToWire(m.Assignment));
                    member.TargetAssignment.AddRange(ToWire(m.TargetAssignment));
                    group.Members.Add(member);
                }

                group.Partitions.AddRange(description.Partitions.Select(p => new GroupPartitionDescription
                {
                    Topic = p.Partition.Topic,
                    Partition = p.Partition.Partition,
                    CommittedOffset = p.CommittedOffset,
                    LogEndOffset = p.LogEndOffset,
                    Lag = p.Lag,
                    MemberId = p.MemberId ?? string.Empty,
                    CommittedMetadata = p.CommittedMetadata,
                }));
            }

            response.Groups.Add(group);
        }

        return response;
    }

    public override async Task<DeleteGroupsResponse> DeleteGroups(DeleteGroupsRequest request, ServerCallContext context)
    {
        var response = new DeleteGroupsResponse();
        foreach (var groupId in request.GroupIds)
        {
            var (error, message) = await admin.DeleteAsync(groupId, context.CancellationToken);
            response.Results.Add(new GroupResult { GroupId = groupId, ErrorCode = (int)error, ErrorMessage = message ?? string.Empty });
        }

        return response;
    }

    public override async Task<ResetOffsetsResponse> ResetOffsets(ResetOffsetsRequest request, ServerCallContext context)
    {
        OffsetResetKind? kind = request.Kind switch
        {
            ResetSpecKind.ResetToEarliest => OffsetResetKind.Earliest,
            ResetSpecKind.ResetToLatest => OffsetResetKind.Latest,
            ResetSpecKind.ResetToTimestamp => OffsetResetKind.Timestamp,
            ResetSpecKind.ResetToOffset => OffsetResetKind.Offset,
            ResetSpecKind.ResetShiftBy => OffsetResetKind.ShiftBy,
            _ => null,
        };
        if (kind is null)
        {
            return new ResetOffsetsResponse { ErrorCode = (int)ErrorCode.InvalidRequest, ErrorMessage = "reset kind must be earliest, latest, timestamp, offset or shift-by" };
        }

        var (error, message, result) = await offsets.ResetAsync(request.GroupId, request.Topic, request.Partitions, new OffsetResetSpec(kind.Value, request.Value), request.Force, request.DryRun, context.CancellationToken);
        var response = new ResetOffsetsResponse { ErrorCode = (int)error, ErrorMessage = message ?? string.Empty };
        response.Offsets.AddRange(result.OrderBy(kv => kv.Key.Partition).Select(kv => new Protocol.Grpc.CommittedOffset { Topic = kv.Key.Topic, Partition = kv.Key.Partition, Offset = kv.Value.Offset, CommitTimestamp = kv.Value.CommitTimestampMs }));
        return response;
    }

    private static IEnumerable<TopicPartitions> ToWire(IEnumerable<TopicPartition> partitions) =>
        partitions.GroupBy(p => p.Topic).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var wire = new TopicPartitions { Topic = g.Key };
            wire.Partitions.AddRange(g.Select(p => p.Partition).Order());
            return wire;
        });
}
