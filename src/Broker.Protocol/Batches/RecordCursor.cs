namespace LogBroker.Protocol.Batches;

/// <summary>
/// Walks the records of one batch held as memory (the records section, expanded if it was
/// compressed), yielding <see cref="RecordMemory"/> slices. A mutable struct: keep it in a field
/// or local and call <see cref="MoveNext"/>; it allocates nothing.
/// </summary>
public struct RecordCursor
{
    private readonly ReadOnlyMemory<byte> _records;
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;
    private readonly long _logAppendTime;
    private int _position;
    private int _left;

    public RecordCursor(ReadOnlyMemory<byte> records, long baseOffset, long baseTimestamp, int count, long logAppendTime)
    {
        _records = records;
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        _logAppendTime = logAppendTime;
        _position = 0;
        _left = count;
    }

    /// <summary>Reads the next record; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public bool MoveNext(out RecordMemory record)
    {
        if (_left <= 0)
        {
            record = default;
            return false;
        }

        var source = _records[_position..];
        var status = RecordReader.TryRead(source.Span, out var parsed, out var consumed);
        if (status != RecordReadStatus.Ok)
        {
            throw new InvalidDataException($"record at byte {_position} of the batch at offset {_baseOffset} is malformed ({status})");
        }

        record = new RecordMemory(
            _baseOffset + parsed.OffsetDelta,
            _logAppendTime != RecordBatchLayout.NoTimestamp ? _logAppendTime : _baseTimestamp + parsed.TimestampDelta,
            parsed.KeyLength < 0 ? default : source.Slice(parsed.KeyStart, parsed.KeyLength),
            parsed.KeyLength < 0,
            parsed.ValueLength < 0 ? default : source.Slice(parsed.ValueStart, parsed.ValueLength),
            parsed.ValueLength < 0,
            source.Slice(parsed.HeadersStart, parsed.HeadersLength),
            parsed.HeaderCount);
        _position += consumed;
        _left--;
        return true;
    }

    /// <summary>
    /// A cursor over the records of the batch at the start of <paramref name="batch"/>. A compressed
    /// records section is expanded into a new array (one per batch, never per record), so the
    /// slices stay valid for as long as their holder keeps them.
    /// </summary>
    public static RecordCursor ForBatch(ReadOnlyMemory<byte> batch)
    {
        var view = new RecordBatch(batch.Span);
        var size = view.SizeInBytes;
        var logAppendTime = view.Attributes.TimestampType == TimestampType.LogAppendTime ? view.MaxTimestamp : RecordBatchLayout.NoTimestamp;
        ReadOnlyMemory<byte> records;
        if (view.Compression == Compression.CompressionType.None)
        {
            records = batch[RecordBatchLayout.HeaderSize..size];
        }
        else
        {
            using var expanded = new Buffers.PooledBufferWriter(size * 4);
            Compression.CompressionCodecs.Get(view.Compression).Decompress(view.RecordsSection, expanded);
            records = expanded.WrittenSpan.ToArray();
        }

        return new RecordCursor(records, view.BaseOffset, view.BaseTimestamp, view.RecordsCount, logAppendTime);
    }
}
