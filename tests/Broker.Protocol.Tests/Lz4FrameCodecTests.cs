using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class Lz4FrameCodecTests
{
    [Fact]
    public void Output_is_an_lz4_frame_with_kafkas_descriptor()
    {
        using var output = new PooledBufferWriter();

        Lz4FrameCodec.Instance.Compress(new byte[1000], output);

        var frame = output.WrittenSpan;
        Assert.Equal([0x04, 0x22, 0x4D, 0x18], frame[..4].ToArray()); // frame magic, little-endian
        Assert.Equal(0x60, frame[4]); // FLG: version 01, independent blocks, no checksums, no content size
        Assert.Equal(0x40, frame[5]); // BD: 64 KiB maximum block size
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_536)]
    [InlineData(300_000)]
    public void Round_trips_any_size(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data.AsSpan(0, size / 2)); // half random, half zeros
        using var compressed = new PooledBufferWriter();
        using var expanded = new PooledBufferWriter();

        Lz4FrameCodec.Instance.Compress(data, compressed);
        Lz4FrameCodec.Instance.Decompress(compressed.WrittenSpan, expanded);

        Assert.Equal(data, expanded.WrittenSpan.ToArray());
    }

    [Fact]
    public void Garbage_is_invalid_data_not_a_crash()
    {
        using var expanded = new PooledBufferWriter();

        Assert.Throws<InvalidDataException>(() => Lz4FrameCodec.Instance.Decompress([0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3], expanded));
    }

    [Fact]
    public void Only_supported_codecs_are_offered()
    {
        Assert.True(CompressionCodecs.IsSupported(CompressionType.None));
        Assert.True(CompressionCodecs.IsSupported(CompressionType.Lz4));
        Assert.False(CompressionCodecs.IsSupported(CompressionType.Zstd));
        Assert.Throws<NotSupportedException>(() => CompressionCodecs.Get(CompressionType.Gzip));
    }
}
