using System.Buffers.Binary;
using System.Text;

namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// Reads Kafka's primitive types from one request body, in order. <see cref="Flexible"/> selects the
/// compact forms of flexible versions (unsigned-varint lengths plus one, tagged fields). Every read
/// checks what is left, and every length is checked against it before anything is allocated, so a
/// hostile frame costs at most its own size; any violation throws <see cref="KafkaProtocolException"/>.
/// </summary>
public ref struct KafkaReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> memory, bool flexible)
    {
        _memory = memory;
        _span = memory.Span;
        Flexible = flexible;
    }

    public bool Flexible { get; set; }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public bool ReadBool() => Take(1)[0] switch
    {
        0 => false,
        1 => true,
        var b => throw new KafkaProtocolException($"a boolean must be 0 or 1; got {b} at byte {_position - 1}"),
    };

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>A UUID: Kafka writes the 128 bits most significant first, as RFC 4122 orders them.</summary>
    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    public uint ReadUnsignedVarint()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            if (shift == 28 && b > 0x0F)
            {
                throw new KafkaProtocolException($"an unsigned varint at byte {_position - 5} does not fit 32 bits");
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new KafkaProtocolException($"an unsigned varint at byte {_position - 5} is longer than 5 bytes");
    }

    public string ReadString() =>
        ReadNullableString() ?? throw new KafkaProtocolException($"a string that may not be null is null (before byte {_position})");

    public string? ReadNullableString()
    {
        var length = Flexible ? (int)ReadUnsignedVarint() - 1 : ReadInt16();
        if (length < -1)
        {
            throw new KafkaProtocolException($"string length {length} at byte {_position} is negative");
        }

        if (length == -1)
        {
            return null;
        }

        var bytes = Take(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new KafkaProtocolException($"the string ending at byte {_position} is not valid UTF-8");
        }
    }

    public ReadOnlyMemory<byte> ReadBytes() =>
        ReadNullableBytes() ?? throw new KafkaProtocolException($"bytes that may not be null are null (before byte {_position})");

    /// <summary>A slice of the request body (no copy): valid as long as the body is.</summary>
    public ReadOnlyMemory<byte>? ReadNullableBytes()
    {
        var length = Flexible ? (long)ReadUnsignedVarint() - 1 : ReadInt32();
        if (length < -1)
        {
            throw new KafkaProtocolException($"byte length {length} at byte {_position} is negative");
        }

        if (length == -1)
        {
            return null;
        }

        var start = _position;
        Take((int)Math.Min(length, int.MaxValue));
        return _memory.Slice(start, (int)length);
    }

    /// <summary>An array's element count, or -1 for a null array. Each element takes at least one byte, so a count above what is left is refused at once.</summary>
    public int ReadArrayCount()
    {
        var count = Flexible ? (long)ReadUnsignedVarint() - 1 : ReadInt32();
        if (count < -1)
        {
            throw new KafkaProtocolException($"array length {count} at byte {_position} is negative");
        }

        if (count > Remaining)
        {
            throw new KafkaProtocolException($"array length {count} at byte {_position} exceeds the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>An array that may not be null.</summary>
    public int ReadArrayCountNotNull()
    {
        var count = ReadArrayCount();
        return count >= 0 ? count : throw new KafkaProtocolException($"an array that may not be null is null (before byte {_position})");
    }

    public int[] ReadInt32Array()
    {
        var count = ReadArrayCount();
        if (count <= 0)
        {
            return [];
        }

        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadInt32();
        }

        return values;
    }

    public List<string>? ReadNullableStringArray()
    {
        var count = ReadArrayCount();
        if (count < 0)
        {
            return null;
        }

        var values = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            values.Add(ReadString());
        }

        return values;
    }

    /// <summary>Skips the tagged fields of the structure just read (flexible versions only): none this listener reads are required.</summary>
    public void SkipTaggedFields()
    {
        if (!Flexible)
        {
            return;
        }

        var count = ReadUnsignedVarint();
        for (var i = 0u; i < count; i++)
        {
            ReadUnsignedVarint(); // tag
            var size = ReadUnsignedVarint();
            Take(checked((int)Math.Min(size, int.MaxValue)));
        }
    }

    /// <summary>A request must end where its last field does.</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new KafkaProtocolException($"{Remaining} unexpected byte(s) after the last field, at byte {_position}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new KafkaProtocolException($"request truncated: {count} byte(s) needed at byte {_position}, {Remaining} left");
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
