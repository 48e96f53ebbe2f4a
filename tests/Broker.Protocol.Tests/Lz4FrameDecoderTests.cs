using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using Xunit;

namespace LogBroker.Protocol.Tests;

/// <summary>The allocation-free frame decoder against K4os's own encoder and stream decoder, frame setting by setting.</summary>
public class Lz4FrameDecoderTests
{
    private static byte[] Encode(ReadOnlySpan<byte> data, int blockSize, bool chained, bool blockChecksum, bool contentChecksum, bool contentLength)
    {
        using var output = new PooledBufferWriter();
        LZ4Frame.Encode(data, output, new LZ4EncoderSettings
        {
            BlockSize = blockSize,
            ChainBlocks = chained,
            BlockChecksum = blockChecksum,
            ContentChecksum = contentChecksum,
            CompressionLevel = LZ4Level.L00_FAST,
        });
        var frame = output.WrittenSpan.ToArray();
        return contentLength ? WithContentSize(frame, data.Length) : frame;
    }

    /// <summary>K4os cannot write the optional content size, so it is added here: flag, 8 bytes after BD, header checksum again.</summary>
    private static byte[] WithContentSize(byte[] frame, long size)
    {
        var sized = new byte[frame.Length + 8];
        frame.AsSpan(0, 6).CopyTo(sized);
        sized[4] |= 0x08;
        BinaryPrimitives.WriteInt64LittleEndian(sized.AsSpan(6), size);
        sized[14] = (byte)(K4os.Hash.xxHash.XXH32.DigestOf(sized.AsSpan(4, 10)) >> 8);
        frame.AsSpan(7).CopyTo(sized.AsSpan(15));
        return sized;
    }

    /// <summary>Compressible but not trivial: runs of a few random bytes repeated, then pure random.</summary>
    private static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        var random = new Random(seed);
        random.NextBytes(data.AsSpan(size / 2));
        for (var i = 0; i < size / 2; i++)
        {
            data[i] = (byte)(i % 97 < 20 ? random.Next(4) : i % 7);
        }

        return data;
    }

    private static DecompressStatus Decode(byte[] frame, PooledBufferWriter into, int maxBytes = int.MaxValue) =>
        Lz4FrameCodec.Instance.TryDecompress(frame, into, maxBytes, out _);

    public static TheoryData<int, bool, bool, bool, bool> Settings()
    {
        var data = new TheoryData<int, bool, bool, bool, bool>();
        foreach (var blockSize in (int[])[64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024])
        {
            data.Add(blockSize, false, false, false, false);
            data.Add(blockSize, true, false, false, false);
            data.Add(blockSize, true, true, true, true);
            data.Add(blockSize, false, true, false, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Decodes_what_the_stream_decoder_decodes_for_every_frame_setting(int blockSize, bool chained, bool blockChecksum, bool contentChecksum, bool contentLength)
    {
        foreach (var size in (int[])[0, 1, 1000, 200_000, 1_500_000])
        {
            var data = Data(size, size);
            var frame = Encode(data, blockSize, chained, blockChecksum, contentChecksum, contentLength);
            Assert.Equal(chained, (frame[4] & 0x20) == 0); // FLG block independence
            using var expanded = new PooledBufferWriter();

            var status = Decode(frame, expanded);

            Assert.Equal(DecompressStatus.Ok, status);
            Assert.True(data.AsSpan().SequenceEqual(expanded.WrittenSpan), $"{size} bytes decoded differently");
        }
    }

    [Property(MaxTest = 200)]
    public void Random_data_round_trips_with_random_settings(byte[] data, bool chained, bool checksums, PositiveInt repeat)
    {
        var input = Enumerable.Repeat(data, 1 + (repeat.Get % 50)).SelectMany(b => b).ToArray();
        var frame = Encode(input, 64 * 1024, chained, checksums, checksums, checksums);
        using var expanded = new PooledBufferWriter();

        Assert.Equal(DecompressStatus.Ok, Decode(frame, expanded));
        Assert.Equal(input, expanded.WrittenSpan.ToArray());
    }

    [Fact]
    public void Appends_after_what_the_destination_already_holds()
    {
        var frame = Encode(Data(100_000, 1), 64 * 1024, chained: true, false, false, false);
        using var expanded = new PooledBufferWriter();
        expanded.Write([1, 2, 3]);

        Assert.Equal(DecompressStatus.Ok, Decode(frame, expanded));
        Assert.Equal(100_003, expanded.WrittenCount);
        Assert.Equal(Data(100_000, 1), expanded.WrittenSpan[3..].ToArray());
    }

    [Fact]
    public void Output_past_the_limit_stops_with_too_large()
    {
        var frame = Encode(new byte[2_000_000], 64 * 1024, chained: false, false, false, false);
        using var expanded = new PooledBufferWriter();

        var status = Decode(frame, expanded, maxBytes: 100_000);

        Assert.Equal(DecompressStatus.TooLarge, status);
        Assert.True(expanded.WrittenCount <= 100_000);
        Assert.True(expanded.Capacity < 1_000_000, $"the buffer grew to {expanded.Capacity} bytes");
    }

    [Fact]
    public void Exactly_the_limit_is_allowed()
    {
        var frame = Encode(new byte[200_000], 64 * 1024, chained: false, false, false, false);
        using var expanded = new PooledBufferWriter();

        Assert.Equal(DecompressStatus.Ok, Decode(frame, expanded, maxBytes: 200_000));
        Assert.Equal(DecompressStatus.TooLarge, Decode(frame, expanded, maxBytes: 199_999));
    }

    public static TheoryData<string> Damages() => ["magic", "header checksum", "reserved bit", "block size", "block bytes", "block checksum", "content checksum", "content size", "no end mark", "trailing bytes", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_frames_are_malformed_not_exceptions(string damage)
    {
        var frame = Encode(Data(150_000, 9), 64 * 1024, chained: false, blockChecksum: damage == "block checksum", contentChecksum: damage == "content checksum", contentLength: damage == "content size");
        var headerEnd = damage == "content size" ? 15 : 7;
        switch (damage)
        {
            case "magic": frame[0] ^= 1; break;
            case "header checksum": frame[headerEnd - 1] ^= 1; break;
            case "reserved bit": frame[5] |= 0x01; break;
            case "block size": BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(headerEnd), 70_000); break;
            case "block bytes": frame.AsSpan(headerEnd + 4, 200).Fill(0xFF); break;
            case "block checksum": frame[headerEnd + 4 + 10] ^= 0x40; break;
            case "content checksum": frame[^1] ^= 1; break;
            case "content size": BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(6), 150_001); break;
            case "no end mark": frame = frame[..^4]; break;
            case "trailing bytes": frame = [.. frame, 0]; break;
            case "empty": frame = []; break;
        }

        if (damage == "content size")
        {
            // keep the header checksum valid, so that the size itself is what is wrong
            frame[14] = (byte)(K4os.Hash.xxHash.XXH32.DigestOf(frame.AsSpan(4, 10)) >> 8);
        }

        using var expanded = new PooledBufferWriter();

        var status = Lz4FrameCodec.Instance.TryDecompress(frame, expanded, int.MaxValue, out var problem);

        Assert.Equal(DecompressStatus.Malformed, status);
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Decoding_allocates_nothing()
    {
        var frame = Encode(Data(300_000, 4), 64 * 1024, chained: true, blockChecksum: true, contentChecksum: true, contentLength: true);
        using var expanded = new PooledBufferWriter(400_000);
        for (var i = 0; i < 3; i++)
        {
            expanded.Clear();
            Decode(frame, expanded);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            expanded.Clear();
            Decode(frame, expanded);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
