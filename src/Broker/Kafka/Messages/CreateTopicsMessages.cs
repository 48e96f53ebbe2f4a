using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>A topic to create: -1 partitions or replication factor take the broker's default; an assignment names replicas per partition.</summary>
public sealed record CreatableTopic(string Name, int NumPartitions, short ReplicationFactor, IReadOnlyList<(int Partition, int[] BrokerIds)> Assignments, IReadOnlyList<(string Name, string? Value)> Configs);

/// <summary>CreateTopics (key 19) request, v2+.</summary>
public sealed record CreateTopicsRequest(IReadOnlyList<CreatableTopic> Topics, int TimeoutMs, bool ValidateOnly)
{
    public static CreateTopicsRequest Read(ref KafkaReader reader, short version)
    {
        var count = reader.ReadArrayCountNotNull();
        var topics = new List<CreatableTopic>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var partitions = reader.ReadInt32();
            var replication = reader.ReadInt16();
            var assignmentCount = reader.ReadArrayCountNotNull();
            var assignments = new List<(int, int[])>(assignmentCount);
            for (var a = 0; a < assignmentCount; a++)
            {
                var partition = reader.ReadInt32();
                var brokers = reader.ReadInt32Array();
                reader.SkipTaggedFields();
                assignments.Add((partition, brokers));
            }

            var configCount = reader.ReadArrayCountNotNull();
            var configs = new List<(string, string?)>(configCount);
            for (var c = 0; c < configCount; c++)
            {
                var key = reader.ReadString();
                var value = reader.ReadNullableString();
                reader.SkipTaggedFields();
                configs.Add((key, value));
            }

            reader.SkipTaggedFields();
            topics.Add(new CreatableTopic(name, partitions, replication, assignments, configs));
        }

        var timeout = reader.ReadInt32();
        var validateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
        return new CreateTopicsRequest(topics, timeout, validateOnly);
    }
}

public sealed record CreatedTopic(string Name, Guid TopicId, ErrorCode Error, string? ErrorMessage, int NumPartitions, short ReplicationFactor, IReadOnlyList<DescribedConfig>? Configs);

/// <summary>CreateTopics response: per topic the outcome and (v5+) the partitions, replication and configs it got.</summary>
public sealed class CreateTopicsResponse(IReadOnlyList<CreatedTopic> topics) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(topics.Count);
        foreach (var topic in topics)
        {
            writer.WriteString(topic.Name);
            if (version >= 7)
            {
                writer.WriteUuid(topic.TopicId);
            }

            writer.WriteInt16(topic.Error);
            writer.WriteNullableString(topic.ErrorMessage);
            if (version >= 5)
            {
                writer.WriteInt32(topic.NumPartitions);
                writer.WriteInt16(topic.ReplicationFactor);
                if (topic.Configs is null)
                {
                    writer.WriteArrayCount(-1);
                }
                else
                {
                    writer.WriteArrayCount(topic.Configs.Count);
                    foreach (var config in topic.Configs)
                    {
                        writer.WriteString(config.Name);
                        writer.WriteNullableString(config.Value);
                        writer.WriteBool(config.ReadOnly);
                        writer.WriteInt8(config.Source);
                        writer.WriteBool(config.IsSensitive);
                        writer.WriteTaggedFields();
                    }
                }
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
