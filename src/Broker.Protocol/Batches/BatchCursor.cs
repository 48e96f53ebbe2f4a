namespace LogBroker.Protocol.Batches;

/// <summary>
/// Walks batches stored back to back in memory (a fetch response's records field): each step
/// yields one whole batch as a slice. Checks framing; <see cref="RecordBatchValidator"/> checks the rest.
/// </summary>
public struct BatchCursor(ReadOnlyMemory<byte> batches)
{
    private ReadOnlyMemory<byte> _remaining = batches;

    /// <summary>Bytes at the end that do not form a whole batch (none when the data was whole).</summary>
    public readonly int TrailingBytes => _remaining.Length;

    public bool MoveNext(out ReadOnlyMemory<byte> batch)
    {
        if (!RecordBatch.TryReadFraming(_remaining.Span, out _, out var size)
            || size < RecordBatchLayout.HeaderSize
            || size > _remaining.Length)
        {
            batch = default;
            return false;
        }

        batch = _remaining[..(int)size];
        _remaining = _remaining[(int)size..];
        return true;
    }

    /// <summary>Records in the whole batches of <paramref name="batches"/>, from their headers alone.</summary>
    public static int CountRecords(ReadOnlySpan<byte> batches)
    {
        var records = 0;
        while (RecordBatch.TryReadFraming(batches, out _, out var size) && size >= RecordBatchLayout.HeaderSize && size <= batches.Length)
        {
            records += new RecordBatch(batches).RecordsCount;
            batches = batches[(int)size..];
        }

        return records;
    }

    /// <summary>The offset after the last whole batch in <paramref name="batches"/>, or -1 if there is none.</summary>
    public static long NextOffsetAfter(ReadOnlySpan<byte> batches)
    {
        long next = -1;
        while (RecordBatch.TryReadFraming(batches, out _, out var size) && size >= RecordBatchLayout.HeaderSize && size <= batches.Length)
        {
            next = new RecordBatch(batches).NextOffset;
            batches = batches[(int)size..];
        }

        return next;
    }
}
