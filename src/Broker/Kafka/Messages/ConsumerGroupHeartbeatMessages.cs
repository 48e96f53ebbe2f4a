using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>
/// ConsumerGroupHeartbeat (key 68) request of KIP-848's consumer protocol (flexible from v0; v1 adds the
/// regular expression subscription). Null fields mean "unchanged since the last heartbeat".
/// </summary>
public sealed record ConsumerGroupHeartbeatRequest(
    string GroupId,
    string MemberId,
    int MemberEpoch,
    string? InstanceId,
    string? RackId,
    int RebalanceTimeoutMs,
    IReadOnlyList<string>? SubscribedTopicNames,
    string? SubscribedTopicRegex,
    string? ServerAssignor,
    IReadOnlyList<(Guid TopicId, int[] Partitions)>? OwnedPartitions)
{
    public static ConsumerGroupHeartbeatRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        var memberId = reader.ReadString();
        var epoch = reader.ReadInt32();
        var instanceId = reader.ReadNullableString();
        var rackId = reader.ReadNullableString();
        var rebalanceTimeout = reader.ReadInt32();
        var topics = reader.ReadNullableStringArray();
        var regex = version >= 1 ? reader.ReadNullableString() : null;
        var assignor = reader.ReadNullableString();
        var count = reader.ReadArrayCount();
        List<(Guid, int[])>? owned = null;
        if (count >= 0)
        {
            owned = new List<(Guid, int[])>(count);
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadUuid();
                var partitions = reader.ReadInt32Array();
                reader.SkipTaggedFields();
                owned.Add((id, partitions));
            }
        }

        reader.SkipTaggedFields();
        return new ConsumerGroupHeartbeatRequest(groupId, memberId, epoch, instanceId, rackId, rebalanceTimeout, topics, regex, assignor, owned);
    }
}

/// <summary>ConsumerGroupHeartbeat response: the member's epoch and, when it changed, its assignment by topic id.</summary>
public sealed class ConsumerGroupHeartbeatResponse(ErrorCode error, string? errorMessage, string? memberId, int memberEpoch, int heartbeatIntervalMs, IReadOnlyList<(Guid TopicId, int[] Partitions)>? assignment) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteInt16(error);
        writer.WriteNullableString(errorMessage);
        writer.WriteNullableString(memberId);
        writer.WriteInt32(memberEpoch);
        writer.WriteInt32(heartbeatIntervalMs);
        if (assignment is null)
        {
            writer.WriteInt8(-1); // a null struct
        }
        else
        {
            writer.WriteInt8(1);
            writer.WriteArrayCount(assignment.Count);
            foreach (var (topicId, partitions) in assignment)
            {
                writer.WriteUuid(topicId);
                writer.WriteInt32Array(partitions);
                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
