using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

public readonly record struct LeaderEpochQuery(int Partition, int CurrentLeaderEpoch, int LeaderEpoch);

/// <summary>OffsetForLeaderEpoch (key 23) request, v2+: consumers ask where an epoch ended, to detect log truncation after a leader change.</summary>
public sealed record OffsetForLeaderEpochRequest(int ReplicaId, List<(string Topic, List<LeaderEpochQuery> Partitions)> Topics)
{
    public static OffsetForLeaderEpochRequest Read(ref KafkaReader reader, short version)
    {
        var replicaId = version >= 3 ? reader.ReadInt32() : -2;
        var count = reader.ReadArrayCountNotNull();
        var topics = new List<(string, List<LeaderEpochQuery>)>(count);
        for (var t = 0; t < count; t++)
        {
            var name = reader.ReadString();
            var partitionCount = reader.ReadArrayCountNotNull();
            var partitions = new List<LeaderEpochQuery>(partitionCount);
            for (var p = 0; p < partitionCount; p++)
            {
                var index = reader.ReadInt32();
                var current = reader.ReadInt32();
                var epoch = reader.ReadInt32();
                reader.SkipTaggedFields();
                partitions.Add(new LeaderEpochQuery(index, current, epoch));
            }

            reader.SkipTaggedFields();
            topics.Add((name, partitions));
        }

        reader.SkipTaggedFields();
        return new OffsetForLeaderEpochRequest(replicaId, topics);
    }
}

public readonly record struct EpochEndOffset(ErrorCode Error, int Partition, int LeaderEpoch, long EndOffset);

public sealed class OffsetForLeaderEpochResponse(List<(string Topic, List<EpochEndOffset> Partitions)> topics) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, partitions) in topics)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(partitions.Count);
            foreach (var p in partitions)
            {
                writer.WriteInt16(p.Error);
                writer.WriteInt32(p.Partition);
                writer.WriteInt32(p.LeaderEpoch);
                writer.WriteInt64(p.EndOffset);
                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
