using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Messages;

/// <summary>InitProducerId (key 22) request: an idempotent producer (null transactional id) asks for an id and epoch; v3+ may name its current ones to bump the epoch.</summary>
public sealed record InitProducerIdRequest(string? TransactionalId, int TransactionTimeoutMs, long ProducerId, short ProducerEpoch)
{
    public static InitProducerIdRequest Read(ref KafkaReader reader, short version)
    {
        var transactionalId = reader.ReadNullableString();
        var timeout = reader.ReadInt32();
        var producerId = version >= 3 ? reader.ReadInt64() : -1;
        var epoch = version >= 3 ? reader.ReadInt16() : (short)-1;
        reader.SkipTaggedFields();
        return new InitProducerIdRequest(transactionalId, timeout, producerId, epoch);
    }
}

public sealed class InitProducerIdResponse(ErrorCode error, long producerId, short producerEpoch) : KafkaResponse
{
    public override void Write(KafkaResponseWriter writer, short version)
    {
        writer.WriteInt32(0);
        writer.WriteInt16(error);
        writer.WriteInt64(producerId);
        writer.WriteInt16(producerEpoch);
        writer.WriteTaggedFields();
    }
}
