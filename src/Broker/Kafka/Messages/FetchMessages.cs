using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

public readonly record struct FetchPartitionData(int Partition, int CurrentLeaderEpoch, long FetchOffset, int PartitionMaxBytes);

/// <summary>A topic of a fetch, by name (up to v12) or by id (v13+).</summary>
public sealed record FetchTopicData(string? Name, Guid TopicId, List<FetchPartitionData> Partitions);

/// <summary>
/// Fetch (key 1) request, v4+. Incremental fetch sessions (KIP-227) are not kept: every request is
/// answered in full and with session id 0, which tells clients to send full requests.
/// </summary>
public sealed record FetchRequest(int ReplicaId, int MaxWaitMs, int MinBytes, int MaxBytes, sbyte IsolationLevel, int SessionId, int SessionEpoch, List<FetchTopicData> Topics)
{
    public static FetchRequest Read(ref KafkaReader reader, short version)
    {
        var replicaId = version <= 14 ? reader.ReadInt32() : -1;
        var maxWait = reader.ReadInt32();
        var minBytes = reader.ReadInt32();
        var maxBytes = reader.ReadInt32();
        var isolation = reader.ReadInt8();
        var sessionId = version >= 7 ? reader.ReadInt32() : 0;
        var sessionEpoch = version >= 7 ? reader.ReadInt32() : -1;
        var topicCount = reader.ReadArrayCountNotNull();
        var topics = new List<FetchTopicData>(topicCount);
        for (var t = 0; t < topicCount; t++)
        {
            var name = version <= 12 ? reader.ReadString() : null;
            var id = version >= 13 ? reader.ReadUuid() : Guid.Empty;
            var partitionCount = reader.ReadArrayCountNotNull();
            var partitions = new List<FetchPartitionData>(partitionCount);
            for (var p = 0; p < partitionCount; p++)
            {
                var index = reader.ReadInt32();
                var leaderEpoch = version >= 9 ? reader.ReadInt32() : -1;
                var offset = reader.ReadInt64();
                if (version >= 12)
                {
                    reader.ReadInt32(); // last fetched epoch: for followers
                }

                if (version >= 5)
                {
                    reader.ReadInt64(); // log start offset: for followers
                }
                var partitionMaxBytes = reader.ReadInt32();
                reader.SkipTaggedFields();
                partitions.Add(new FetchPartitionData(index, leaderEpoch, offset, partitionMaxBytes));
            }

            reader.SkipTaggedFields();
            topics.Add(new FetchTopicData(name, id, partitions));
        }

        if (version >= 7)
        {
            var forgotten = reader.ReadArrayCountNotNull();
            for (var f = 0; f < forgotten; f++)
            {
                if (version <= 12)
                {
                    reader.ReadString();
                }
                else
                {
                    reader.ReadUuid();
                }

                reader.ReadInt32Array();
                reader.SkipTaggedFields();
            }
        }

        if (version >= 11)
        {
            reader.ReadString(); // rack id: one broker, no preferred read replica to pick
        }

        reader.SkipTaggedFields();
        return new FetchRequest(replicaId, maxWait, minBytes, maxBytes, isolation, sessionId, sessionEpoch, topics);
    }
}

/// <summary>One partition's answer; <see cref="Records"/> points into the log (kept mapped by the response's owner until it is written).</summary>
public readonly record struct FetchPartitionResponse(int Partition, ErrorCode Error, long HighWatermark, long LastStableOffset, long LogStartOffset, ReadOnlyMemory<byte> Records);

public sealed record FetchTopicResponse(string? Name, Guid TopicId, FetchPartitionResponse[] Partitions);

/// <summary>Fetch response: per partition the offsets and the record batches, spliced in without a copy.</summary>
public sealed class FetchResponse(ErrorCode error, IReadOnlyList<FetchTopicResponse> topics, IDisposable? owner) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        if (version >= 7)
        {
            writer.WriteInt16(error);
            writer.WriteInt32(0); // no fetch session
        }

        writer.WriteArrayCount(topics.Count);
        foreach (var topic in topics)
        {
            if (version <= 12)
            {
                writer.WriteString(topic.Name ?? string.Empty);
            }
            else
            {
                writer.WriteUuid(topic.TopicId);
            }

            writer.WriteArrayCount(topic.Partitions.Length);
            foreach (var p in topic.Partitions)
            {
                writer.WriteInt32(p.Partition);
                writer.WriteInt16(p.Error);
                writer.WriteInt64(p.HighWatermark);
                writer.WriteInt64(p.LastStableOffset);
                if (version >= 5)
                {
                    writer.WriteInt64(p.LogStartOffset);
                }

                writer.WriteArrayCount(-1); // aborted transactions: none without transactions
                if (version >= 11)
                {
                    writer.WriteInt32(-1); // preferred read replica
                }

                writer.WriteRecords(p.Records);
                writer.WriteTaggedFields();
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
