using LogBroker.Broker.Cluster;
using LogBroker.Broker.Groups;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Adapters;

/// <summary>A consumer-protocol heartbeat as the Kafka layer sends it: the member's whole current state (the handler fills in what Kafka leaves out as unchanged).</summary>
public sealed record KafkaHeartbeat(string GroupId, string MemberId, int MemberEpoch, string? InstanceId, TimeSpan RebalanceTimeout, IReadOnlyList<string> Topics, string? TopicRegex, IReadOnlySet<(string Topic, int Partition)> Owned);

public sealed record KafkaHeartbeatOutcome(ErrorCode Error, string? Message, string MemberId, int MemberEpoch, int HeartbeatIntervalMs, IReadOnlyCollection<(string Topic, int Partition)> Assignment);

/// <summary>A group's member as the consumer-protocol coordinator holds it.</summary>
public sealed record KafkaGroupMember(string MemberId, string? InstanceId, IReadOnlyList<string> Topics, IReadOnlyCollection<(string Topic, int Partition)> Assignment);

/// <summary>
/// Adapter: consumer groups for the Kafka layer. Offsets go to the same store as gRPC's (the
/// __consumer_offsets topic, through the offset manager), so both APIs see one committed position;
/// consumer-protocol heartbeats (KIP-848) go to the same coordinator as gRPC's heartbeats. When the
/// coordinator or offsets store change shape, only these methods move.
/// </summary>
public sealed class KafkaGroups(GroupCoordinator coordinator, OffsetManager offsets, GroupAdmin admin, GroupStore store, GroupCoordinatorOptions options, MetadataStore metadata)
{
    /// <summary>Kafka's group.consumer.session.timeout.ms: consumer-protocol members do not choose their own.</summary>
    public static readonly TimeSpan ConsumerSessionTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The node coordinating <paramref name="groupId"/> (the leader of its __consumer_offsets partition), or an error to retry on.</summary>
    public (ErrorCode Error, string? Message, int NodeId) Coordinator(string groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return (ErrorCode.InvalidGroupId, "the group id is empty", -1);
        }

        var partition = admin.OffsetsPartitionOf(groupId);
        var image = metadata.Image;
        return image.TryGetPartition(partition, out var p) && p.HasLeader && image.IsActive(p.Leader)
            ? (ErrorCode.None, null, p.Leader)
            : (ErrorCode.CoordinatorNotAvailable, $"{partition} has no leader right now", -1);
    }

    /// <summary>Whether this broker may serve the group now (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS otherwise).</summary>
    public (ErrorCode Error, string? Message) CheckCoordinator(string groupId) => store.CheckCoordinator(groupId);

    /// <summary>Commits offsets; an empty <paramref name="memberId"/> commits for a group without consumer-protocol members.</summary>
    public async Task<(ErrorCode Error, string? Message, IReadOnlyList<(string Topic, int Partition, ErrorCode Error)> Results)> CommitAsync(string groupId, string memberId, int memberEpoch, IReadOnlyList<(string Topic, int Partition, long Offset, string Metadata)> entries, CancellationToken cancellationToken)
    {
        var (error, message, results) = await offsets.CommitAsync(
            groupId,
            memberId,
            memberEpoch,
            [.. entries.Select(e => new OffsetCommitEntry(new TopicPartition(e.Topic, e.Partition), e.Offset, e.Metadata))],
            cancellationToken);
        return (error, message, [.. results.Select(r => (r.Partition.Topic, r.Partition.Partition, r.Error))]);
    }

    /// <summary>Committed offsets (all of the group's when <paramref name="partitions"/> is null).</summary>
    public async Task<(ErrorCode Error, string? Message, IReadOnlyDictionary<(string Topic, int Partition), (long Offset, string Metadata)> Offsets)> FetchOffsetsAsync(string groupId, IReadOnlyCollection<(string Topic, int Partition)>? partitions, CancellationToken cancellationToken)
    {
        var (error, message, found) = await offsets.FetchAsync(groupId, partitions?.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList(), cancellationToken);
        return (error, message, found.ToDictionary(kv => (kv.Key.Topic, kv.Key.Partition), kv => (kv.Value.Offset, kv.Value.Metadata)));
    }

    /// <summary>Whether the group has consumer-protocol members (joined over gRPC or Kafka's ConsumerGroupHeartbeat).</summary>
    public async Task<bool> HasConsumerProtocolMembersAsync(string groupId, CancellationToken cancellationToken)
    {
        var group = await store.LockAsync(groupId, create: false, cancellationToken);
        if (group is null)
        {
            return false;
        }

        try
        {
            return group.Members.Count > 0;
        }
        finally
        {
            group.Gate.Release();
        }
    }

    /// <summary>A consumer-protocol heartbeat, answered at once (Kafka's heartbeats are not long polls).</summary>
    public async Task<KafkaHeartbeatOutcome> HeartbeatAsync(KafkaHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var sessionTimeout = ConsumerSessionTimeout < options.MinSessionTimeout ? options.MinSessionTimeout
            : ConsumerSessionTimeout > options.MaxSessionTimeout ? options.MaxSessionTimeout
            : ConsumerSessionTimeout;
        var result = await coordinator.HeartbeatAsync(
            new HeartbeatRequest(
                heartbeat.GroupId,
                heartbeat.MemberId,
                heartbeat.MemberEpoch,
                heartbeat.InstanceId,
                sessionTimeout,
                heartbeat.RebalanceTimeout,
                heartbeat.Topics,
                heartbeat.TopicRegex,
                heartbeat.Owned.Select(p => new TopicPartition(p.Topic, p.Partition)).ToHashSet(),
                TimeSpan.Zero),
            cancellationToken);
        return new KafkaHeartbeatOutcome(result.Error, result.Message, result.MemberId, result.MemberEpoch, (int)result.HeartbeatInterval.TotalMilliseconds, [.. result.Assignment.Select(p => (p.Topic, p.Partition))]);
    }

    /// <summary>Every group the offsets store knows (consumer-protocol members, or committed offsets only) with its state.</summary>
    public async Task<IReadOnlyList<(string GroupId, string State, int Members)>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await admin.ListAsync(cancellationToken)).Select(g => (g.GroupId, g.State.ToString(), g.Members))];

    public async Task<(ErrorCode Error, string? Message, string State, IReadOnlyList<KafkaGroupMember> Members)> DescribeAsync(string groupId, CancellationToken cancellationToken)
    {
        var (error, message, description) = await admin.DescribeAsync(groupId, cancellationToken);
        if (description is null)
        {
            return (error, message, string.Empty, []);
        }

        return (ErrorCode.None, null, description.State.ToString(), [.. description.Members.Select(m => new KafkaGroupMember(m.MemberId, m.InstanceId, m.Topics, [.. m.Assignment.Select(p => (p.Topic, p.Partition))]))]);
    }

    public async Task<(ErrorCode Error, string? Message)> DeleteAsync(string groupId, CancellationToken cancellationToken) =>
        await admin.DeleteAsync(groupId, cancellationToken);
}
