using LogBroker.Protocol.Compression;

namespace LogBroker.Client;

/// <summary>Producer settings, named after Kafka's producer configs.</summary>
public sealed record ProducerOptions : ClientOptions
{
    public Acks Acks { get; init; } = Acks.Leader;

    /// <summary>How long a partition's batch may wait for more records before it is sent (Kafka's linger.ms).</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Target size of one batch in bytes before compression (Kafka's batch.size).</summary>
    public int BatchSize { get; init; } = 64 * 1024;

    /// <summary>Bytes of records the producer may hold unsent; producing waits when it is full (Kafka's buffer.memory).</summary>
    public long BufferMemory { get; init; } = 64L * 1024 * 1024;

    /// <summary>Longest <see cref="Producer.Produce"/> blocks for buffer space or metadata (Kafka's max.block.ms).</summary>
    public TimeSpan MaxBlock { get; init; } = TimeSpan.FromSeconds(60);

    public CompressionType Compression { get; init; } = CompressionType.None;

    /// <summary>
    /// Requests sent to one broker before waiting for an answer. Above 1, a retried batch may land
    /// after a later one of the same partition.
    /// </summary>
    public int MaxInFlightRequests { get; init; } = 5;

    /// <summary>Largest produce request in bytes (Kafka's max.request.size).</summary>
    public int MaxRequestSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Times a batch is retried after a retriable error, within <see cref="DeliveryTimeout"/>.</summary>
    public int Retries { get; init; } = int.MaxValue;

    /// <summary>Upper bound on the time from producing a record to its delivery report, retries included.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    internal void Validate()
    {
        if (BatchSize < 1024 || BufferMemory < BatchSize || MaxInFlightRequests < 1 || MaxRequestSize < BatchSize || Retries < 0 || Linger < TimeSpan.Zero)
        {
            throw new ArgumentException("ProducerOptions: BatchSize must be at least 1 KiB and at most BufferMemory and MaxRequestSize; MaxInFlightRequests at least 1; Retries and Linger not negative");
        }

        if (!CompressionCodecs.IsSupported(Compression))
        {
            throw new ArgumentException($"ProducerOptions: compression '{Compression}' is not supported");
        }
    }
}
