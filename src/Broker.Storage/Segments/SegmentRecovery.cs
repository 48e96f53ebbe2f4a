namespace LogBroker.Storage.Segments;

/// <summary>
/// The outcome of scanning a segment after an unclean shutdown: how many bytes held valid batches, and
/// whether the scan stopped at damaged data (a torn write or a failed CRC) rather than at the end of
/// what was written (the file's end, or the pre-allocated zeros after it).
/// </summary>
internal readonly record struct SegmentRecovery(long ValidBytes, long ValidBatches, bool StoppedAtDamage, string? Damage);
