using System.Buffers;
using LogBroker.Protocol.Buffers;

namespace LogBroker.Protocol.Compression;

/// <summary>
/// Compresses or expands a batch's whole records section as one block. Implementations are
/// stateless and thread-safe; they write into the caller's buffer so callers can pool it.
/// </summary>
public interface ICompressionCodec
{
    CompressionType Type { get; }

    /// <summary>Appends the compressed form of <paramref name="source"/> to <paramref name="destination"/>.</summary>
    void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    /// <summary>
    /// Appends the expanded form of <paramref name="source"/> to <paramref name="destination"/>.
    /// Throws <see cref="InvalidDataException"/> when the input is not a valid block of this codec.
    /// </summary>
    void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    /// <summary>
    /// Appends the expanded form of <paramref name="source"/> to <paramref name="destination"/>
    /// without allocating, stopping with <see cref="DecompressStatus.TooLarge"/> once the output would
    /// pass <paramref name="maxBytes"/>, so that a small block cannot make the broker hold an
    /// unbounded expansion. Bad input is a status, not an exception; <paramref name="problem"/> then
    /// names it (a literal). The destination holds partial output after a failure.
    /// </summary>
    DecompressStatus TryDecompress(ReadOnlySpan<byte> source, PooledBufferWriter destination, int maxBytes, out string? problem);
}
