namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// A request that does not follow Kafka's wire format (truncated, a negative or oversized length, bad
/// UTF-8, unknown API). The connection that sent it is closed; the broker goes on.
/// </summary>
public sealed class KafkaProtocolException(string message) : Exception(message);
