using LogBroker.Protocol.Batches;

namespace LogBroker.Storage.Config;

/// <summary>
/// Per-partition log settings, named and defaulted as Kafka's topic configs are. Immutable: a config
/// change swaps in a new instance, which the log picks up at its next append or maintenance pass.
/// </summary>
public sealed record LogConfig
{
    public const long Forever = -1;

    public static LogConfig Default { get; } = new();

    /// <summary><c>segment.bytes</c>: the active segment rolls before it would pass this size. Also the
    /// size of the active segment's memory map.</summary>
    public int SegmentBytes { get; init; } = 1 << 30;

    /// <summary><c>segment.ms</c>: the active segment rolls once its first batch is this old.</summary>
    public long SegmentMs { get; init; } = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    /// <summary><c>retention.ms</c>: sealed segments whose newest record is older are deleted; -1 keeps them.</summary>
    public long RetentionMs { get; init; } = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    /// <summary><c>retention.bytes</c>: oldest sealed segments are deleted while the log is over this size; -1 is unbounded.</summary>
    public long RetentionBytes { get; init; } = Forever;

    /// <summary><c>max.message.bytes</c>: the largest batch accepted, in bytes on the wire.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary><c>index.interval.bytes</c>: bytes appended between two sparse index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary><c>segment.index.bytes</c>: pre-allocated size of each index file; a full index rolls the segment.</summary>
    public int SegmentIndexBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary><c>flush.messages</c>: fsync once this many records are unflushed. Long.MaxValue leaves it to <see cref="FlushMs"/> and the OS.</summary>
    public long FlushMessages { get; init; } = long.MaxValue;

    /// <summary><c>flush.ms</c>: fsync data older than this. Long.MaxValue leaves it to the OS.</summary>
    public long FlushMs { get; init; } = long.MaxValue;

    /// <summary><c>message.timestamp.type</c>: keep the producer's timestamps, or stamp the broker's append time.</summary>
    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary><c>cleanup.policy</c>.</summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary><c>delete.retention.ms</c>: how long a tombstone outlives the cleaning that first saw it.</summary>
    public long DeleteRetentionMs { get; init; } = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    /// <summary><c>min.cleanable.dirty.ratio</c>: the cleaner starts when this share of the log is uncleaned.</summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary><c>min.insync.replicas</c>: in-sync replicas an <c>acks=all</c> produce needs.</summary>
    public int MinInSyncReplicas { get; init; } = 1;

    /// <summary>
    /// <c>unclean.leader.election.enable</c>: when no replica known to hold every committed record is
    /// alive, elect any live replica (losing what only the others held) rather than stay offline.
    /// </summary>
    public bool UncleanLeaderElectionEnable { get; init; }

    /// <summary><c>min.compaction.lag.ms</c>: records younger than this are never compacted away.</summary>
    public long MinCompactionLagMs { get; init; }

    public bool DeletesByRetention => (CleanupPolicy & CleanupPolicy.Delete) != 0;

    public bool IsCompacted => (CleanupPolicy & CleanupPolicy.Compact) != 0;
}
