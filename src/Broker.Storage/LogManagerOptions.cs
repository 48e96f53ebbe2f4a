using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;

namespace LogBroker.Storage;

/// <summary>Settings of the log manager: where data lives and how often its background work runs.</summary>
public sealed record LogManagerOptions
{
    /// <summary>The data directory (layout in DESIGN.md).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Config of partitions whose topic has no overrides.</summary>
    public LogConfig DefaultConfig { get; init; } = LogConfig.Default;

    /// <summary>How often logs are checked against <c>flush.ms</c>.</summary>
    public TimeSpan FlushCheckInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often retention runs (Kafka's <c>log.retention.check.interval.ms</c>).</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often recovery points and log start offsets are checkpointed.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The log cleaner's settings (compaction of <c>cleanup.policy=compact</c> topics).</summary>
    public CleanerOptions Cleaner { get; init; } = new();

    /// <summary>
    /// How often pages that reads mapped in are released from the process (they stay in the page
    /// cache): keeps the broker's resident memory from growing with what consumers read.
    /// </summary>
    public TimeSpan ResidentPagesTrimInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>producer.id.expiration.ms</c> (a broker setting in Kafka): an idempotent producer whose newest batch
    /// in a partition is older than this is forgotten there, and its next batch must start at sequence 0.
    /// </summary>
    public TimeSpan ProducerIdExpiration { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How often expired producers are looked for (Kafka's <c>producer.id.expiration.check.interval.ms</c>).</summary>
    public TimeSpan ProducerIdExpirationCheckInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Logs opened (and recovered) at once at start-up.</summary>
    public int RecoveryThreads { get; init; } = Environment.ProcessorCount;
}
