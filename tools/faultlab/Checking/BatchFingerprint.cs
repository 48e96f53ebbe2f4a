using System.Buffers.Binary;
using System.Security.Cryptography;
using LogBroker.Protocol.Batches;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// A batch reduced to what byte-identity needs: its offsets, its size and a SHA-256 of all its bytes
/// (the first 128 bits), so two copies of a log (served by fetch, or stored in two replicas' files) can
/// be compared batch by batch without holding either in memory.
/// </summary>
public readonly record struct BatchFingerprint(long BaseOffset, long NextOffset, int Size, UInt128 Hash)
{
    public static BatchFingerprint Of(ReadOnlySpan<byte> batch)
    {
        var view = new RecordBatch(batch);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(batch[..view.SizeInBytes], digest);
        return new BatchFingerprint(view.BaseOffset, view.NextOffset, view.SizeInBytes, BinaryPrimitives.ReadUInt128LittleEndian(digest));
    }
}
