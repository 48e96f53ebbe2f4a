namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// A request's header: API key and version, the correlation id its response echoes, and the client id.
/// Header v1 (client id as a plain nullable string) precedes non-flexible bodies; v2 adds tagged
/// fields and precedes flexible ones. The client id stays a plain string even in v2, as Kafka defines it.
/// </summary>
public readonly record struct RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    /// <summary>Bytes of key, version and correlation id: enough to answer (or refuse) a request whose version is not supported.</summary>
    public const int FixedSize = 8;

    /// <summary>Reads the header and positions <paramref name="reader"/> at the body.</summary>
    public static RequestHeader Read(ref KafkaReader reader, Func<ApiKey, short, bool> isFlexible)
    {
        reader.Flexible = false;
        var key = (ApiKey)reader.ReadInt16();
        var version = reader.ReadInt16();
        var correlationId = reader.ReadInt32();
        var clientId = reader.ReadNullableString();
        if (isFlexible(key, version))
        {
            reader.Flexible = true;
            reader.SkipTaggedFields();
        }

        return new RequestHeader(key, version, correlationId, clientId);
    }
}
