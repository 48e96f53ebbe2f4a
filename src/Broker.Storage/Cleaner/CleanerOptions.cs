namespace LogBroker.Storage.Cleaner;

/// <summary>
/// Settings of the log cleaner (Kafka's <c>log.cleaner.*</c> broker settings). The defaults bound it to
/// one thread, a 64 MiB dedupe buffer and unthrottled I/O.
/// </summary>
public sealed record CleanerOptions
{
    /// <summary>Whether <see cref="LogManager.StartBackgroundTasks"/> starts the cleaner loop (<c>log.cleaner.enable</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Memory for the key → latest offset map, allocated once at the first cleaning
    /// (<c>log.cleaner.dedupe.buffer.size</c>). Every key takes 24 bytes however long it is; when the
    /// dirty part of a log holds more keys than fit, one cleaning covers only the part that fits.
    /// </summary>
    public long DedupeBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Share of the map's slots filled before it counts as full (<c>log.cleaner.io.buffer.load.factor</c>).</summary>
    public double DedupeBufferLoadFactor { get; init; } = 0.9;

    /// <summary>Bytes per second the cleaner may read and write, together (<c>log.cleaner.io.max.bytes.per.second</c>); <see cref="long.MaxValue"/> is unbounded.</summary>
    public long MaxIoBytesPerSecond { get; init; } = long.MaxValue;

    /// <summary>Rewritten batches gathered in memory before one write to the new segment.</summary>
    public int WriteBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>How long the loop waits when no log needs cleaning (<c>log.cleaner.backoff.ms</c>).</summary>
    public TimeSpan BackoffInterval { get; init; } = TimeSpan.FromSeconds(15);
}
