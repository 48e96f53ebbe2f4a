using System.Text;
namespace LogBroker.Protocol.Batches;

/// <summary>A record header viewed in place: a UTF-8 key and an optional value.</summary>
public readonly ref struct RecordHeaderView
{
    internal RecordHeaderView(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        Key = key;
        Value = value;
        ValueIsNull = valueIsNull;
    }

    /// <summary>UTF-8 bytes of the header key.</summary>
    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Value { get; }

    public bool ValueIsNull { get; }

    public string KeyAsString() => Encoding.UTF8.GetString(Key);
}

/// <summary>Walks a record's encoded headers; the record was checked when it was read.</summary>
public ref struct HeaderEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private int _left;
    private RecordHeaderView _current;

    internal HeaderEnumerator(ReadOnlySpan<byte> headers, int count)
    {
        _remaining = headers;
        _left = count;
        _current = default;
    }

    public readonly RecordHeaderView Current => _current;

    public readonly HeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left <= 0)
        {
            return false;
        }

        var pos = 0;
        if (!RecordReader.TryReadBytes(_remaining, ref pos, out var keyStart, out var keyLength)
            || !RecordReader.TryReadBytes(_remaining, ref pos, out var valueStart, out var valueLength))
        {
            throw new InvalidDataException("record header is malformed");
        }

        _current = new RecordHeaderView(
            _remaining.Slice(keyStart, Math.Max(keyLength, 0)),
            valueLength < 0 ? default : _remaining.Slice(valueStart, valueLength),
            valueLength < 0);
        _remaining = _remaining[pos..];
        _left--;
        return true;
    }
}
