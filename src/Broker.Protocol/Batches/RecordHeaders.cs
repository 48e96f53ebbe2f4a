using System.Text;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// A record's headers as the encoded bytes they arrived in; enumerate to read them. Keys decode to
/// strings only when asked (<see cref="ToList"/>, <see cref="TryGetLast"/>).
/// </summary>
public readonly struct RecordHeaders(ReadOnlyMemory<byte> raw, int count)
{
    public int Count => count;

    public ReadOnlyMemory<byte> Raw => raw;

    public HeaderEnumerator GetEnumerator() => new(raw.Span, count);

    /// <summary>The value of the last header named <paramref name="key"/> (Kafka's lastHeader).</summary>
    public bool TryGetLast(string key, out ReadOnlyMemory<byte>? value)
    {
        value = null;
        var found = false;
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var position = 0;
        var span = raw.Span;
        for (var i = 0; i < count; i++)
        {
            if (!RecordReader.TryReadBytes(span, ref position, out var keyStart, out var keyLength)
                || !RecordReader.TryReadBytes(span, ref position, out var valueStart, out var valueLength))
            {
                throw new InvalidDataException("record header is malformed");
            }

            if (span.Slice(keyStart, Math.Max(keyLength, 0)).SequenceEqual(keyBytes))
            {
                found = true;
                value = valueLength < 0 ? null : raw.Slice(valueStart, valueLength);
            }
        }

        return found;
    }

    /// <summary>Every header as (key, value); a null value stays null.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]?>> ToList()
    {
        var list = new List<KeyValuePair<string, byte[]?>>(count);
        foreach (var header in this)
        {
            list.Add(KeyValuePair.Create(header.KeyAsString(), header.ValueIsNull ? null : header.Value.ToArray()));
        }

        return list;
    }
}
