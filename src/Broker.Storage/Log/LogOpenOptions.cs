namespace LogBroker.Storage.Log;

/// <summary>What the log manager knows about a partition when it opens its log.</summary>
public sealed record LogOpenOptions
{
    /// <summary>True when the previous process stopped cleanly: no segment needs a recovery scan.</summary>
    public bool CleanShutdown { get; init; }

    /// <summary>Offsets below this were fsynced; segments holding later offsets are scanned after an unclean stop.</summary>
    public long RecoveryPoint { get; init; }

    /// <summary>The checkpointed log start offset (retention may have moved it past the first segment's base).</summary>
    public long LogStartOffset { get; init; }

    /// <summary>The high watermark to start from; null means the log end offset (a single replica).</summary>
    public long? HighWatermark { get; init; }

    /// <summary>
    /// <c>producer.id.expiration.ms</c> (a broker setting in Kafka, not a topic one): producers whose newest
    /// batch is older than this are forgotten, at open and by <see cref="PartitionLog.RemoveExpiredProducers"/>.
    /// </summary>
    public TimeSpan ProducerIdExpiration { get; init; } = TimeSpan.FromDays(1);
}
