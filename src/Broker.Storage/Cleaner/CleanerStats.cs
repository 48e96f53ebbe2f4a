namespace LogBroker.Storage.Cleaner;

/// <summary>What one cleaning of one log did: its range, its bytes and records in and out, and how long it took.</summary>
public sealed class CleanerStats
{
    /// <summary>The first offset the cleaning treated as dirty (the checkpoint it started from).</summary>
    public long FirstDirtyOffset { get; internal set; }

    /// <summary>The offset the dedupe map reached: the next cleaning starts here (below the cleanable end when the map filled).</summary>
    public long EndOffset { get; internal set; }

    /// <summary>Dirty bytes over clean plus dirty bytes of the cleanable segments, when the cleaning started.</summary>
    public double DirtyRatio { get; internal set; }

    /// <summary>Bytes of the dirty range read to build the map.</summary>
    public long DirtyBytesMapped { get; internal set; }

    /// <summary>Distinct keys the map held.</summary>
    public int KeysMapped { get; internal set; }

    /// <summary>Bytes of the segments rewritten (read a second time).</summary>
    public long BytesRead { get; internal set; }

    /// <summary>Bytes of the segments written in their place.</summary>
    public long BytesWritten { get; internal set; }

    public long RecordsRead { get; internal set; }

    public long RecordsRetained { get; internal set; }

    /// <summary>Tombstones dropped because they had outlived <c>delete.retention.ms</c> in the cleaned part of the log.</summary>
    public long TombstonesRemoved { get; internal set; }

    /// <summary>Records without a key found in the log (appended before the topic was compacted, or replicated) and dropped, as Kafka does.</summary>
    public long KeylessRecordsRemoved { get; internal set; }

    /// <summary>Batches that had no record left and were dropped whole.</summary>
    public long BatchesDropped { get; internal set; }

    /// <summary>Batches that had no record left but were kept as an empty header: each the newest batch of a producer with state.</summary>
    public long EmptyBatchesRetained { get; internal set; }

    public int SegmentsRead { get; internal set; }

    public int SegmentsWritten { get; internal set; }

    /// <summary>
    /// True when the log changed under the cleaning (retention or truncation removed a segment it was
    /// rewriting): what was swapped in so far stays, the rest was discarded and the checkpoint not moved.
    /// </summary>
    public bool Aborted { get; internal set; }

    public TimeSpan Duration { get; internal set; }

    /// <summary>True when a test's crash stand-in stopped the cleaning mid-swap: files and references were left as they were.</summary>
    internal bool Halted { get; set; }
}
