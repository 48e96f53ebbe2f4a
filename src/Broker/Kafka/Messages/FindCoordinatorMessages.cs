using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>FindCoordinator (key 10) request: one key up to v3, several from v4; key type 0 = group, 1 = transaction.</summary>
public sealed record FindCoordinatorRequest(sbyte KeyType, IReadOnlyList<string> Keys)
{
    public const sbyte GroupKey = 0;

    public static FindCoordinatorRequest Read(ref KafkaReader reader, short version)
    {
        var key = version <= 3 ? reader.ReadString() : null;
        var keyType = version >= 1 ? reader.ReadInt8() : GroupKey;
        IReadOnlyList<string> keys = key is not null ? [key] : reader.ReadNullableStringArray() ?? [];
        reader.SkipTaggedFields();
        return new FindCoordinatorRequest(keyType, keys);
    }
}

public sealed record Coordinator(string Key, ErrorCode Error, string? Message, int NodeId, string Host, int Port);

/// <summary>FindCoordinator response: the node (and its Kafka listener) that coordinates each key.</summary>
public sealed class FindCoordinatorResponse(IReadOnlyList<Coordinator> coordinators) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        if (version >= 1)
        {
            writer.WriteInt32(0);
        }

        if (version <= 3)
        {
            var c = coordinators[0];
            writer.WriteInt16(c.Error);
            if (version >= 1)
            {
                writer.WriteNullableString(c.Message);
            }

            writer.WriteInt32(c.NodeId);
            writer.WriteString(c.Host);
            writer.WriteInt32(c.Port);
        }
        else
        {
            writer.WriteArrayCount(coordinators.Count);
            foreach (var c in coordinators)
            {
                writer.WriteString(c.Key);
                writer.WriteInt32(c.NodeId);
                writer.WriteString(c.Host);
                writer.WriteInt32(c.Port);
                writer.WriteInt16(c.Error);
                writer.WriteNullableString(c.Message);
                writer.WriteTaggedFields();
            }
        }

        writer.WriteTaggedFields();
    }
}
