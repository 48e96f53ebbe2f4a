using LogBroker.Storage.Cleaner;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// The <c>LogBroker:Cleaner</c> section: what the log cleaner (compaction) may use, after Kafka's
/// <c>log.cleaner.*</c> broker settings. It cleans one log at a time, so there is no thread count.
/// </summary>
public sealed class CleanerSettings
{
    public const long MinDedupeBufferBytes = 1L << 20;

    public const long MaxDedupeBufferBytes = 2L << 30;

    /// <summary>Whether compacted topics are cleaned at all (<c>log.cleaner.enable</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bytes per second the cleaner reads and writes together, or -1 for no limit (<c>log.cleaner.io.max.bytes.per.second</c>).</summary>
    public long IoMaxBytesPerSecond { get; set; } = -1;

    /// <summary>Memory for the cleaner's key map, 24 bytes a key (<c>log.cleaner.dedupe.buffer.size</c>); a log with more dirty keys is cleaned in several passes.</summary>
    public long DedupeBufferBytes { get; set; } = new CleanerOptions().DedupeBufferBytes;

    /// <summary>How long the cleaner waits when no log needs cleaning (<c>log.cleaner.backoff.ms</c>).</summary>
    public int BackoffMs { get; set; } = (int)new CleanerOptions().BackoffInterval.TotalMilliseconds;

    /// <summary>Checks every setting; throws with a message naming the bad one.</summary>
    public void Validate()
    {
        Require(IoMaxBytesPerSecond == -1 || IoMaxBytesPerSecond > 0, $"Cleaner:IoMaxBytesPerSecond must be -1 (no limit) or positive; got {IoMaxBytesPerSecond}");
        Require(DedupeBufferBytes is >= MinDedupeBufferBytes and <= MaxDedupeBufferBytes, $"Cleaner:DedupeBufferBytes must be from {MinDedupeBufferBytes} (1 MiB) to {MaxDedupeBufferBytes} (2 GiB); got {DedupeBufferBytes}");
        Require(BackoffMs > 0, $"Cleaner:BackoffMs must be positive; got {BackoffMs}");
    }

    public CleanerOptions ToCleanerOptions() => new()
    {
        Enabled = Enabled,
        MaxIoBytesPerSecond = IoMaxBytesPerSecond == -1 ? long.MaxValue : IoMaxBytesPerSecond,
        DedupeBufferBytes = DedupeBufferBytes,
        BackoffInterval = TimeSpan.FromMilliseconds(BackoffMs),
    };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"LogBroker configuration: {message}");
        }
    }
}
