using System.Buffers;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using LogBroker.Protocol.Buffers;

namespace LogBroker.Protocol.Compression;

/// <summary>
/// LZ4 in the frame format (magic 0x184D2204) with the settings Kafka's own producer uses:
/// independent 64 KiB blocks, no block checksums, no content size. Kafka clients of any language
/// can read what this writes, and this reads any standard frame.
/// </summary>
public sealed class Lz4FrameCodec : ICompressionCodec
{
    private static readonly LZ4EncoderSettings Settings = new()
    {
        BlockSize = 64 * 1024,
        ChainBlocks = false,
        BlockChecksum = false,
        ContentChecksum = false,
        ContentLength = null,
        CompressionLevel = LZ4Level.L00_FAST,
    };

    public static Lz4FrameCodec Instance { get; } = new();

    public CompressionType Type => CompressionType.Lz4;

    public void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) =>
        LZ4Frame.Encode(source, destination, Settings);

    public void Decompress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        try
        {
            LZ4Frame.Decode(source, destination, 0);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"LZ4 frame is malformed: {e.Message}", e);
        }
    }

    public DecompressStatus TryDecompress(ReadOnlySpan<byte> source, PooledBufferWriter destination, int maxBytes, out string? problem) =>
        Lz4FrameDecoder.TryDecode(source, destination, maxBytes, out problem);
}
