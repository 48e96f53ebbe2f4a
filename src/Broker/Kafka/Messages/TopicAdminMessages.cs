using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>DeleteTopics (key 20) request: names up to v5; from v6 each topic by name or by id.</summary>
public sealed record DeleteTopicsRequest(IReadOnlyList<(string? Name, Guid TopicId)> Topics, int TimeoutMs)
{
    public static DeleteTopicsRequest Read(ref KafkaReader reader, short version)
    {
        var topics = new List<(string?, Guid)>();
        if (version <= 5)
        {
            foreach (var name in reader.ReadNullableStringArray() ?? throw new KafkaProtocolException("DeleteTopics: the topic list may not be null"))
            {
                topics.Add((name, Guid.Empty));
            }
        }
        else
        {
            var count = reader.ReadArrayCountNotNull();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadNullableString();
                var id = reader.ReadUuid();
                reader.SkipTaggedFields();
                topics.Add((name, id));
            }
        }

        var timeout = reader.ReadInt32();
        reader.SkipTaggedFields();
        return new DeleteTopicsRequest(topics, timeout);
    }
}

public sealed record DeletedTopic(string? Name, Guid TopicId, ErrorCode Error, string? ErrorMessage);

public sealed class DeleteTopicsResponse(IReadOnlyList<DeletedTopic> results) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(results.Count);
        foreach (var result in results)
        {
            if (version >= 6)
            {
                writer.WriteNullableString(result.Name);
                writer.WriteUuid(result.TopicId);
            }
            else
            {
                writer.WriteString(result.Name ?? string.Empty);
            }

            writer.WriteInt16(result.Error);
            if (version >= 5)
            {
                writer.WriteNullableString(result.ErrorMessage);
            }

            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}

/// <summary>CreatePartitions (key 37) request: each topic's new total partition count.</summary>
public sealed record CreatePartitionsRequest(IReadOnlyList<(string Name, int Count, bool HasAssignments)> Topics, int TimeoutMs, bool ValidateOnly)
{
    public static CreatePartitionsRequest Read(ref KafkaReader reader, short version)
    {
        var count = reader.ReadArrayCountNotNull();
        var topics = new List<(string, int, bool)>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var total = reader.ReadInt32();
            var assignments = reader.ReadArrayCount();
            for (var a = 0; a < assignments; a++)
            {
                reader.ReadInt32Array();
                reader.SkipTaggedFields();
            }

            reader.SkipTaggedFields();
            topics.Add((name, total, assignments > 0));
        }

        var timeout = reader.ReadInt32();
        var validateOnly = reader.ReadBool();
        reader.SkipTaggedFields();
        return new CreatePartitionsRequest(topics, timeout, validateOnly);
    }
}

/// <summary>A per-resource result of an admin request: CreatePartitions' (name, error, message).</summary>
public sealed class TopicResultsResponse(IReadOnlyList<(string Name, ErrorCode Error, string? Message)> results) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteArrayCount(results.Count);
        foreach (var (name, error, message) in results)
        {
            writer.WriteString(name);
            writer.WriteInt16(error);
            writer.WriteNullableString(message);
            writer.WriteTaggedFields();
        }

        writer.WriteTaggedFields();
    }
}
