using LogBroker.Broker.Api;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// Memory bounds of the Kafka listener. A connection holds at most <see cref="MaxInFlightBytesPerConnection"/>
/// of request bytes (read, being handled, or waiting for their response to be written) and at most
/// <see cref="MaxQueuedRequests"/> requests; all connections together at most the <see cref="Total"/>
/// budget. Past a bound the connection stops reading, and TCP pushes back on the client.
/// </summary>
public sealed class KafkaListenerLimits(int maxRequestBytes, long maxInFlightBytes, long maxInFlightBytesPerConnection, int maxQueuedRequests)
{
    /// <summary>Largest request frame accepted (Kafka's socket.request.max.bytes); a larger one closes the connection.</summary>
    public int MaxRequestBytes { get; } = maxRequestBytes;

    public long MaxInFlightBytesPerConnection { get; } = maxInFlightBytesPerConnection;

    public int MaxQueuedRequests { get; } = maxQueuedRequests;

    /// <summary>Request bytes held across all Kafka connections.</summary>
    public ByteBudget Total { get; } = new(maxInFlightBytes);
}
