namespace LogBroker.Protocol.Wire;

/// <summary>
/// Zigzag base-128 variable-length integers as Kafka's record format uses them: least significant
/// group first, high bit set on every byte but the last. A 32-bit varint takes at most 5 bytes, a
/// 64-bit varlong at most 10; longer encodings are rejected as corrupt.
/// </summary>
public static class Varint
{
    public const int MaxInt32Bytes = 5;
    public const int MaxInt64Bytes = 10;

    public static int SizeOfInt32(int value) => SizeOfUnsigned(ZigZag32(value));

    public static int SizeOfInt64(long value) => SizeOfUnsigned(ZigZag64(value));

    /// <summary>Writes <paramref name="value"/> and returns the bytes written; the span must hold <see cref="MaxInt32Bytes"/>.</summary>
    public static int WriteInt32(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag32(value));

    /// <summary>Writes <paramref name="value"/> and returns the bytes written; the span must hold <see cref="MaxInt64Bytes"/>.</summary>
    public static int WriteInt64(Span<byte> destination, long value) => WriteUnsigned(destination, ZigZag64(value));

    /// <summary>Reads a zigzag varint; false when the input ends early or the encoding exceeds 5 bytes.</summary>
    public static bool TryReadInt32(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        uint result = 0;
        for (var i = 0; i < MaxInt32Bytes && i < source.Length; i++)
        {
            uint b = source[i];
            result |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                bytesRead = i + 1;
                value = (int)(result >> 1) ^ -(int)(result & 1);
                return true;
            }
        }

        value = 0;
        bytesRead = 0;
        return false;
    }

    /// <summary>Reads a zigzag varlong; false when the input ends early or the encoding exceeds 10 bytes.</summary>
    public static bool TryReadInt64(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        ulong result = 0;
        for (var i = 0; i < MaxInt64Bytes && i < source.Length; i++)
        {
            ulong b = source[i];
            result |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                bytesRead = i + 1;
                value = (long)(result >> 1) ^ -(long)(result & 1);
                return true;
            }
        }

        value = 0;
        bytesRead = 0;
        return false;
    }

    private static uint ZigZag32(int value) => (uint)((value << 1) ^ (value >> 31));

    private static ulong ZigZag64(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static int SizeOfUnsigned(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
