using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

public readonly record struct OffsetCommitPartition(int Partition, long Offset, int LeaderEpoch, string? Metadata);

/// <summary>
/// OffsetCommit (key 8) request, v2+. <see cref="GenerationIdOrMemberEpoch"/> is a classic member's
/// generation, or (from v9) a KIP-848 member's epoch; -1 with an empty member id is a commit from a
/// tool to a group without members.
/// </summary>
public sealed record OffsetCommitRequest(string GroupId, int GenerationIdOrMemberEpoch, string MemberId, string? GroupInstanceId, List<(string Topic, List<OffsetCommitPartition> Partitions)> Topics)
{
    public static OffsetCommitRequest Read(ref KafkaReader reader, short version)
    {
        var groupId = reader.ReadString();
        var generation = reader.ReadInt32();
        var memberId = reader.ReadString();
        var instanceId = version >= 7 ? reader.ReadNullableString() : null;
        if (version is >= 2 and <= 4)
        {
            reader.ReadInt64(); // retention time: offsets here live until the group is deleted
        }

        var topicCount = reader.ReadArrayCountNotNull();
        var topics = new List<(string, List<OffsetCommitPartition>)>(topicCount);
        for (var t = 0; t < topicCount; t++)
        {
            var name = reader.ReadString();
            var count = reader.ReadArrayCountNotNull();
            var partitions = new List<OffsetCommitPartition>(count);
            for (var p = 0; p < count; p++)
            {
                var index = reader.ReadInt32();
                var offset = reader.ReadInt64();
                var epoch = version >= 6 ? reader.ReadInt32() : -1;
                var metadata = reader.ReadNullableString();
                reader.SkipTaggedFields();
                partitions.Add(new OffsetCommitPartition(index, offset, epoch, metadata));
            }

            reader.SkipTaggedFields();
            topics.Add((name, partitions));
        }

        reader.SkipTaggedFields();
        return new OffsetCommitRequest(groupId, generation, memberId, instanceId, topics);
    }
}

/// <summary>OffsetCommit response: an error per partition.</summary>
public sealed class OffsetCommitResponse(List<(string Topic, List<(int Partition, ErrorCode Error)> Partitions)> topics) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 3)
        {
            writer.WriteInt32(0);
        }

        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, partitions) in topics)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(partitions.Count);
            foreach (var (partition, error) in partitions)
            {
                writer.WriteInt32(partition);
                writer.WriteInt16(error);
                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
