using System.Buffers.Binary;
using System.Numerics;

namespace LogBroker.Protocol.Wire;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8 CRC instruction
/// where the CPU has it, so this folds eight bytes per instruction.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a finished CRC over more bytes, so that
    /// <c>Append(Compute(a), b) == Compute(a ++ b)</c>. Lets a batch's checksum be computed over a
    /// patched header and an untouched records section without copying them together.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
