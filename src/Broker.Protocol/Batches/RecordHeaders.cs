using System.Buffers;
using System.Text;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// A record's headers as the encoded bytes they arrived in; enumerate to read them. Keys decode to
/// strings only when asked (<see cref="ToList"/>); looking a key up (TryGetLast) decodes nothing.
/// </summary>
public readonly struct RecordHeaders(ReadOnlyMemory<byte> raw, int count)
{
    public int Count => count;

    public ReadOnlyMemory<byte> Raw => raw;

    public HeaderEnumerator GetEnumerator() => new(raw.Span, count);

    /// <summary>The value of the last header named <paramref name="key"/> (Kafka's lastHeader). Allocates nothing.</summary>
    public bool TryGetLast(string key, out ReadOnlyMemory<byte>? value)
    {
        // The key is encoded once into stack (or, when long, pooled) memory, so that each header's
        // key bytes compare without decoding them or allocating.
        const int StackKeyBytes = 256;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            return TryGetLast(buffer[..Encoding.UTF8.GetBytes(key, buffer)], out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The value of the last header whose key is the UTF-8 bytes <paramref name="key"/>.</summary>
    public bool TryGetLast(ReadOnlySpan<byte> key, out ReadOnlyMemory<byte>? value)
    {
        value = null;
        var found = false;
        var position = 0;
        var span = raw.Span;
        for (var i = 0; i < count; i++)
        {
            if (!RecordReader.TryReadBytes(span, ref position, out var keyStart, out var keyLength)
                || !RecordReader.TryReadBytes(span, ref position, out var valueStart, out var valueLength))
            {
                throw new InvalidDataException("record header is malformed");
            }

            if (span.Slice(keyStart, Math.Max(keyLength, 0)).SequenceEqual(key))
            {
                found = true;
                // Typed: a bare null would convert through byte[] to an empty, non-null memory.
                value = valueLength < 0 ? (ReadOnlyMemory<byte>?)null : raw.Slice(valueStart, valueLength);
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
