namespace LogBroker.Protocol.Batches;

/// <summary>
/// Walks an uncompressed records section record by record without allocating. A malformed record
/// throws <see cref="InvalidDataException"/>; use <see cref="RecordBatchValidator"/> first to get an
/// error code instead.
/// </summary>
public ref struct RecordEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;
    private readonly long _logAppendTime;
    private int _left;
    private Record _current;

    /// <param name="logAppendTime">The batch's maxTimestamp when its timestamp type is LogAppendTime (every
    /// record then carries the broker's append time), else <see cref="RecordBatchLayout.NoTimestamp"/>.</param>
    internal RecordEnumerator(ReadOnlySpan<byte> records, long baseOffset, long baseTimestamp, int count, long logAppendTime)
    {
        _remaining = records;
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        _logAppendTime = logAppendTime;
        _left = count;
        _current = default;
    }

    public readonly Record Current => _current;

    public readonly RecordEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left <= 0)
        {
            return false;
        }

        var status = RecordReader.TryRead(_remaining, out var parsed, out var consumed);
        if (status != RecordReadStatus.Ok)
        {
            throw new InvalidDataException($"record is malformed ({status})");
        }

        _current = parsed.ToRecord(_remaining, _baseOffset, _baseTimestamp, _logAppendTime);
        _remaining = _remaining[consumed..];
        _left--;
        return true;
    }
}
