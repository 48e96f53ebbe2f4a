namespace LogBroker.Protocol.Batches;

/// <summary>
/// One record of a batch, viewed in place. Key and value spans point into the batch (or into the
/// decompression buffer); they are valid only as long as that memory is.
/// </summary>
public readonly ref struct Record
{
    internal Record(long offset, long timestamp, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<byte> headers, int headerCount, ReadOnlySpan<byte> rawBytes)
    {
        RawBytes = rawBytes;
        Offset = offset;
        Timestamp = timestamp;
        Key = key;
        KeyIsNull = keyIsNull;
        Value = value;
        ValueIsNull = valueIsNull;
        RawHeaders = headers;
        HeaderCount = headerCount;
    }

    public long Offset { get; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; }

    public ReadOnlySpan<byte> Key { get; }

    public bool KeyIsNull { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>A null value is a tombstone on compacted topics.</summary>
    public bool ValueIsNull { get; }

    public int HeaderCount { get; }

    /// <summary>The encoded headers, as they sit in the record.</summary>
    public ReadOnlySpan<byte> RawHeaders { get; }

    public HeaderEnumerator Headers => new(RawHeaders, HeaderCount);

    /// <summary>
    /// The whole encoded record, length prefix included, as it sits in the records section. Its offset
    /// and timestamp are deltas from the batch's base, so these bytes can be copied unchanged into
    /// another batch with the same base offset and base timestamp (what compaction does).
    /// </summary>
    public ReadOnlySpan<byte> RawBytes { get; }
}
