namespace LogBroker.Protocol.Batches;

/// <summary>
/// One record as slices of the memory it was read from: usable across awaits (unlike
/// <see cref="Record"/>), still without copying. Valid as long as that memory is.
/// </summary>
public readonly record struct RecordMemory(
    long Offset,
    long Timestamp,
    ReadOnlyMemory<byte> Key,
    bool KeyIsNull,
    ReadOnlyMemory<byte> Value,
    bool ValueIsNull,
    ReadOnlyMemory<byte> RawHeaders,
    int HeaderCount);
