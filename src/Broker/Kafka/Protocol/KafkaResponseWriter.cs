using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// Builds one response frame: size prefix, response header, body. Fields go into a pooled buffer;
/// record sets are not copied there but kept as references (splices) to the memory they live in (the
/// log's memory map) and copied once, straight to the socket's pipe, by <see cref="CopyTo"/>. One
/// writer per connection, reused frame after frame; not thread-safe.
/// </summary>
public sealed class KafkaResponseWriter : IDisposable
{
    private readonly List<(int At, ReadOnlyMemory<byte> Bytes)> _splices = [];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;
    private long _splicedBytes;

    public bool Flexible { get; private set; }

    /// <summary>Bytes of the frame after its size prefix.</summary>
    public long FrameSize => _length - 4 + _splicedBytes;

    /// <summary>
    /// Starts a frame: the size placeholder and the response header (correlation id, then, for a
    /// flexible header, its empty tagged fields). ApiVersions answers always use the plain header.
    /// </summary>
    public void Start(int correlationId, bool flexibleBody, bool flexibleHeader)
    {
        _length = 0;
        _splicedBytes = 0;
        _splices.Clear();
        Flexible = flexibleBody;
        WriteInt32(0);
        WriteInt32(correlationId);
        if (flexibleHeader)
        {
            WriteUnsignedVarint(0);
        }
    }

    public void WriteInt8(sbyte value) => Span(1)[0] = (byte)value;

    public void WriteBool(bool value) => Span(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Span(2), value);

    public void WriteInt16(LogBroker.Protocol.Errors.ErrorCode value) => WriteInt16((short)value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Span(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Span(8), value);

    public void WriteUuid(Guid value) => value.TryWriteBytes(Span(16), bigEndian: true, out _);

    public void WriteUnsignedVarint(uint value)
    {
        while (value >= 0x80)
        {
            Span(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }

        Span(1)[0] = (byte)value;
    }

    public void WriteString(string value) => WriteNullableString(value);

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteLength(-1, compactNull: true);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        if (!Flexible)
        {
            WriteInt16((short)Math.Min(count, short.MaxValue));
        }
        else
        {
            WriteUnsignedVarint((uint)count + 1);
        }

        Encoding.UTF8.GetBytes(value, Span(count));
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteBytesLength(value.Length);
        value.CopyTo(Span(value.Length));
    }

    public void WriteNullBytes() => WriteBytesLength(-1);

    /// <summary>A record set (nullable bytes): its length here, its bytes spliced in by reference, not copied.</summary>
    public void WriteRecords(ReadOnlyMemory<byte> records)
    {
        WriteBytesLength(records.Length);
        if (!records.IsEmpty)
        {
            _splices.Add((_length, records));
            _splicedBytes += records.Length;
        }
    }

    /// <summary>An array's length: -1 writes a null array.</summary>
    public void WriteArrayCount(int count)
    {
        if (Flexible)
        {
            WriteUnsignedVarint((uint)(count + 1));
        }
        else
        {
            WriteInt32(count);
        }
    }

    public void WriteInt32Array(IReadOnlyCollection<int> values)
    {
        WriteArrayCount(values.Count);
        foreach (var value in values)
        {
            WriteInt32(value);
        }
    }

    public void WriteStringArray(IReadOnlyCollection<string> values)
    {
        WriteArrayCount(values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    /// <summary>The end of a structure in a flexible version: no tagged fields.</summary>
    public void WriteTaggedFields()
    {
        if (Flexible)
        {
            WriteUnsignedVarint(0);
        }
    }

    /// <summary>Patches the size prefix and copies the frame (fields and spliced record sets, in order) to <paramref name="output"/>.</summary>
    public void CopyTo(IBufferWriter<byte> output)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, checked((int)FrameSize));
        var from = 0;
        foreach (var (at, bytes) in _splices)
        {
            output.Write(_buffer.AsSpan(from, at - from));
            output.Write(bytes.Span);
            from = at;
        }

        output.Write(_buffer.AsSpan(from, _length - from));
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void WriteLength(int length, bool compactNull)
    {
        if (!Flexible)
        {
            WriteInt16((short)length);
        }
        else
        {
            WriteUnsignedVarint(compactNull && length < 0 ? 0u : (uint)(length + 1));
        }
    }

    private void WriteBytesLength(int length)
    {
        if (Flexible)
        {
            WriteUnsignedVarint((uint)(length + 1));
        }
        else
        {
            WriteInt32(length);
        }
    }

    private Span<byte> Span(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
