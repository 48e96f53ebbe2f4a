using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

public sealed record ProducePartitionData(int Partition, ReadOnlyMemory<byte>? Records);

public sealed record ProduceTopicData(string Name, List<ProducePartitionData> Partitions);

/// <summary>
/// Produce (key 0) request, v3+ (RecordBatch v2 only): acks (0, 1 or -1), timeout, and per partition
/// the record batches exactly as the producer built them, sliced from the request without a copy.
/// </summary>
public sealed record ProduceRequest(string? TransactionalId, short Acks, int TimeoutMs, List<ProduceTopicData> Topics)
{
    public static ProduceRequest Read(ref KafkaReader reader, short version)
    {
        var transactionalId = reader.ReadNullableString();
        var acks = reader.ReadInt16();
        var timeout = reader.ReadInt32();
        var topicCount = reader.ReadArrayCountNotNull();
        var topics = new List<ProduceTopicData>(topicCount);
        for (var t = 0; t < topicCount; t++)
        {
            var name = reader.ReadString();
            var partitionCount = reader.ReadArrayCountNotNull();
            var partitions = new List<ProducePartitionData>(partitionCount);
            for (var p = 0; p < partitionCount; p++)
            {
                var index = reader.ReadInt32();
                var records = reader.ReadNullableBytes();
                reader.SkipTaggedFields();
                partitions.Add(new ProducePartitionData(index, records));
            }

            reader.SkipTaggedFields();
            topics.Add(new ProduceTopicData(name, partitions));
        }

        reader.SkipTaggedFields();
        return new ProduceRequest(transactionalId, acks, timeout, topics);
    }
}

public sealed record ProducePartitionResponse(int Partition, ErrorCode Error, long BaseOffset, long LogAppendTimeMs, long LogStartOffset, string? ErrorMessage);

/// <summary>Produce response: per partition the error or the base offset the batch got.</summary>
public sealed class ProduceResponse(List<(string Topic, List<ProducePartitionResponse> Partitions)> topics) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteArrayCount(topics.Count);
        foreach (var (topic, partitions) in topics)
        {
            writer.WriteString(topic);
            writer.WriteArrayCount(partitions.Count);
            foreach (var p in partitions)
            {
                writer.WriteInt32(p.Partition);
                writer.WriteInt16(p.Error);
                writer.WriteInt64(p.BaseOffset);
                if (version >= 2)
                {
                    writer.WriteInt64(p.LogAppendTimeMs);
                }

                if (version >= 5)
                {
                    writer.WriteInt64(p.LogStartOffset);
                }

                if (version >= 8)
                {
                    writer.WriteArrayCount(0); // record errors: a refused batch is refused whole
                    writer.WriteNullableString(p.ErrorMessage);
                }

                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        writer.WriteTaggedFields();
    }
}
