using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

public readonly record struct ListOffsetsPartition(int Partition, int CurrentLeaderEpoch, long Timestamp);

/// <summary>ListOffsets (key 2) request, v1+: per partition a timestamp, or -1 (latest) / -2 (earliest).</summary>
public sealed record ListOffsetsRequest(int ReplicaId, sbyte IsolationLevel, List<(string Topic, List<ListOffsetsPartition> Partitions)> Topics)
{
    public const long Latest = -1;
    public const long Earliest = -2;

    public static ListOffsetsRequest Read(ref KafkaReader reader, short version)
    {
        var replicaId = reader.ReadInt32();
        var isolation = version >= 2 ? reader.ReadInt8() : (sbyte)0;
        var topicCount = reader.ReadArrayCountNotNull();
        var topics = new List<(string, List<ListOffsetsPartition>)>(topicCount);
        for (var t = 0; t < topicCount; t++)
        {
            var name = reader.ReadString();
            var count = reader.ReadArrayCountNotNull();
            var partitions = new List<ListOffsetsPartition>(count);
            for (var p = 0; p < count; p++)
            {
                var index = reader.ReadInt32();
                var epoch = version >= 4 ? reader.ReadInt32() : -1;
                var timestamp = reader.ReadInt64();
                reader.SkipTaggedFields();
                partitions.Add(new ListOffsetsPartition(index, epoch, timestamp));
            }

            reader.SkipTaggedFields();
            topics.Add((name, partitions));
        }

        reader.SkipTaggedFields();
        return new ListOffsetsRequest(replicaId, isolation, topics);
    }
}

public readonly record struct ListOffsetsPartitionResponse(int Partition, ErrorCode Error, long Timestamp, long Offset, int LeaderEpoch);

/// <summary>ListOffsets response: per partition the offset found (and the timestamp of the record at it, for a time lookup).</summary>
public sealed class ListOffsetsResponse(List<(string Topic, List<ListOffsetsPartitionResponse> Partitions)> topics) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 2)
        {
            writer.WriteInt32(0);
        }

        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, partitions) in topics)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(partitions.Count);
            foreach (var p in partitions)
            {
                writer.WriteInt32(p.Partition);
                writer.WriteInt16(p.Error);
                writer.WriteInt64(p.Timestamp);
                writer.WriteInt64(p.Offset);
                if (version >= 4)
                {
                    writer.WriteInt32(p.LeaderEpoch);
                }

                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
