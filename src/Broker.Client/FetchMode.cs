namespace LogBroker.Client;

/// <summary>How the consumer gets data.</summary>
public enum FetchMode
{
    /// <summary>Long-poll fetches, several ahead of the application (Kafka's way).</summary>
    Poll,

    /// <summary>The broker pushes batches over a stream as they are appended: lowest latency. HTTP/2 flow control paces it.</summary>
    Push,
}
