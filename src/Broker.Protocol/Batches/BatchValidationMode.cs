namespace LogBroker.Protocol.Batches;

/// <summary>How strictly to check a batch.</summary>
public enum BatchValidationMode
{
    /// <summary>
    /// A batch fresh from a producer: records numbered 0..N-1 with no gaps, no control batches, a
    /// codec this broker supports, and, when uncompressed, every record parsed in place.
    /// </summary>
    Produce,

    /// <summary>
    /// A batch read back from disk or from a leader: framing, magic, CRC and header consistency.
    /// Compaction may have removed records, so lastOffsetDelta may exceed recordsCount - 1.
    /// </summary>
    Stored,
}
