namespace LogBroker.Broker.Partitions.Replication;

/// <summary>Follower fetch settings, after Kafka's replica.fetch.* broker settings.</summary>
public sealed record ReplicaFetcherOptions
{
    /// <summary>Longest a follower's fetch waits at the leader for new data (replica.fetch.wait.max.ms).</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Bytes per partition per fetch (replica.fetch.max.bytes).</summary>
    public int PartitionMaxBytes { get; init; } = 1024 * 1024;

    /// <summary>Bytes per fetch response (replica.fetch.response.max.bytes).</summary>
    public int ResponseMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Pause after a failed fetch (replica.fetch.backoff.ms).</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(100);
}
