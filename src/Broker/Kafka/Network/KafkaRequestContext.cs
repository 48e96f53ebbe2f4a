using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// One request as a handler sees it: its header, its body (valid until its response has been written)
/// and whether the body uses flexible encodings; plus the connection it came on, for group member
/// descriptions (client id and host).
/// </summary>
public sealed record KafkaRequestContext(RequestHeader Header, ReadOnlyMemory<byte> Body, bool Flexible, string ConnectionId, string ClientHost)
{
    public short Version => Header.ApiVersion;
}
