using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>
/// Metadata (key 3) request. Topics null means every topic (v1+; v0 says it with an empty array); v10+
/// may name a topic by id instead of by name.
/// </summary>
public sealed record MetadataRequest(IReadOnlyList<(Guid TopicId, string? Name)>? Topics, bool AllowAutoTopicCreation, bool IncludeTopicAuthorizedOperations)
{
    public static MetadataRequest Read(ref KafkaReader reader, short version)
    {
        var count = reader.ReadArrayCount();
        List<(Guid, string?)>? topics = null;
        if (count >= 0 && !(version == 0 && count == 0))
        {
            topics = new List<(Guid, string?)>(count);
            for (var i = 0; i < count; i++)
            {
                var id = version >= 10 ? reader.ReadUuid() : Guid.Empty;
                var name = version >= 10 ? reader.ReadNullableString() : reader.ReadString();
                reader.SkipTaggedFields();
                topics.Add((id, name));
            }
        }

        var allowAutoCreate = version < 4 || reader.ReadBool();
        if (version is >= 8 and <= 10)
        {
            reader.ReadBool(); // cluster authorized operations: this listener has no ACLs to report
        }

        var includeTopicOperations = version >= 8 && reader.ReadBool();
        reader.SkipTaggedFields();
        return new MetadataRequest(topics, allowAutoCreate, includeTopicOperations);
    }
}

public sealed record MetadataBroker(int NodeId, string Host, int Port, string? Rack);

public sealed record MetadataPartition(ErrorCode Error, int Partition, int LeaderId, int LeaderEpoch, IReadOnlyCollection<int> Replicas, IReadOnlyCollection<int> Isr);

public sealed record MetadataTopic(ErrorCode Error, string? Name, Guid TopicId, bool IsInternal, IReadOnlyList<MetadataPartition> Partitions, int AuthorizedOperations);

/// <summary>Metadata response: brokers, cluster id, controller, and each topic with its partitions' leaders.</summary>
public sealed class MetadataResponse(IReadOnlyList<MetadataBroker> brokers, string clusterId, int controllerId, IReadOnlyList<MetadataTopic> topics) : KafkaResponse
{
    /// <summary>Kafka's "not requested" value for authorized-operations fields.</summary>
    public const int OperationsNotRequested = int.MinValue;

    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 3)
        {
            writer.WriteInt32(0);
        }

        writer.WriteArrayCount(brokers.Count);
        foreach (var broker in brokers)
        {
            writer.WriteInt32(broker.NodeId);
            writer.WriteString(broker.Host);
            writer.WriteInt32(broker.Port);
            if (version >= 1)
            {
                writer.WriteNullableString(broker.Rack);
            }

            writer.WriteTaggedFields();
        }

        if (version >= 2)
        {
            writer.WriteNullableString(clusterId);
        }

        if (version >= 1)
        {
            writer.WriteInt32(controllerId);
        }

        writer.WriteArrayCount(topics.Count);
        foreach (var topic in topics)
        {
            writer.WriteInt16(topic.Error);
            if (version >= 12)
            {
                writer.WriteNullableString(topic.Name);
            }
            else
            {
                writer.WriteString(topic.Name ?? string.Empty);
            }

            if (version >= 10)
            {
                writer.WriteUuid(topic.TopicId);
            }

            if (version >= 1)
            {
                writer.WriteBool(topic.IsInternal);
            }

            writer.WriteArrayCount(topic.Partitions.Count);
            foreach (var partition in topic.Partitions)
            {
                writer.WriteInt16(partition.Error);
                writer.WriteInt32(partition.Partition);
                writer.WriteInt32(partition.LeaderId);
                if (version >= 7)
                {
                    writer.WriteInt32(partition.LeaderEpoch);
                }

                writer.WriteInt32Array(partition.Replicas);
                writer.WriteInt32Array(partition.Isr);
                if (version >= 5)
                {
                    writer.WriteArrayCount(0); // offline replicas
                }

                writer.WriteTaggedFields();
            }

            if (version >= 8)
            {
                writer.WriteInt32(topic.AuthorizedOperations);
            }

            writer.WriteTaggedFields();
        }

        if (version is >= 8 and <= 10)
        {
            writer.WriteInt32(OperationsNotRequested);
        }

        writer.WriteTaggedFields();
    }
}
