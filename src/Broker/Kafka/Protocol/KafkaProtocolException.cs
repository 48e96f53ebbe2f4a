namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// A request that does not follow Kafka's wire format (truncated, a negative or oversized length, bad
/// UTF-8, unknown API), or one whose only possible answer is closing the connection (a failed acks=0
/// produce). The connection that sent it is closed with a warning in the log; the broker goes on.
/// </summary>
public sealed class KafkaProtocolException(string message) : Exception(message);
