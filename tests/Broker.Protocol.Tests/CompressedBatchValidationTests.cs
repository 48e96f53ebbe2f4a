using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Errors;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Protocol.Tests.CompressedBatches;

namespace LogBroker.Protocol.Tests;

/// <summary>Producer batches with a compressed records section are expanded and walked like uncompressed ones.</summary>
public class CompressedBatchValidationTests
{
    private static BatchValidationResult Check(byte[] bytes, int max = 1 << 20) =>
        RecordBatchValidator.Validate(bytes, max, BatchValidationMode.Produce, out _);

    [Fact]
    public void A_well_formed_lz4_batch_is_valid()
    {
        var bytes = TestBatches.Create(20, valueSize: 50, compression: CompressionType.Lz4);

        Assert.True(Check(bytes).IsValid, Check(bytes).Message);
        Assert.True(Check(Lz4Of(TestBatches.Create(7))).IsValid);
    }

    [Fact]
    public void An_lz4_batch_claiming_more_records_than_it_holds_is_refused()
    {
        var bytes = Lz4Of(TestBatches.Create(3));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.RecordsCount), 5);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 4);
        Recrc(bytes);

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.RecordCountMismatch, verdict.Reason);
        Assert.Equal(ErrorCode.InvalidRecord, verdict.ErrorCode);
        Assert.Contains("claims 5 records but holds 3", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_lz4_batch_claiming_fewer_records_than_it_holds_is_refused()
    {
        var bytes = Lz4Of(TestBatches.Create(3));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.RecordsCount), 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 1);
        Recrc(bytes);

        Assert.Equal(BatchInvalidReason.RecordCountMismatch, Check(bytes).Reason);
    }

    [Fact]
    public void Garbage_compressed_bytes_under_a_recomputed_crc_are_refused()
    {
        var good = TestBatches.Create(10, valueSize: 40, compression: CompressionType.Lz4);
        var garbage = good.AsSpan(RecordBatchLayout.HeaderSize).ToArray();
        new Random(5).NextBytes(garbage.AsSpan(7)); // keep the frame header, scramble the blocks
        var bytes = WithRecordsSection(good, garbage);

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.MalformedCompression, verdict.Reason);
        Assert.Equal(ErrorCode.CorruptMessage, verdict.ErrorCode);
        Assert.Contains("does not decompress", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_records_section_that_is_not_an_lz4_frame_is_refused()
    {
        var bytes = WithRecordsSection(TestBatches.Create(2), TestBatches.Create(2).AsSpan(RecordBatchLayout.HeaderSize));

        Assert.Equal(BatchInvalidReason.MalformedCompression, Check(bytes).Reason);
    }

    [Fact]
    public void An_offset_delta_out_of_range_inside_lz4_is_refused()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "a"u8, "b"u8);
        var plain = builder.Build().ToArray();
        plain[RecordBatchLayout.HeaderSize + 3] = 6; // offsetDelta 3 (zigzag 6)

        var verdict = Check(Lz4Of(plain));

        Assert.Equal(BatchInvalidReason.OffsetDeltaOutOfRange, verdict.Reason);
        Assert.Equal(ErrorCode.InvalidRecord, verdict.ErrorCode);
    }

    [Fact]
    public void A_malformed_record_inside_lz4_is_refused()
    {
        var plain = TestBatches.Create(2);
        plain[RecordBatchLayout.HeaderSize + 4] = 0x7e; // the first record's key claims far more bytes than it holds

        Assert.Equal(BatchInvalidReason.MalformedRecord, Check(Lz4Of(plain)).Reason);
    }

    [Fact]
    public void A_section_that_expands_past_the_limit_is_message_too_large()
    {
        // One record whose 300 KB value of zeros compresses to about 1 KB: a small batch, a large expansion.
        using var builder = new RecordBatchBuilder(CompressionType.Lz4);
        builder.Append(1, "k"u8, new byte[300_000]);
        var bytes = builder.Build().ToArray();
        Assert.True(bytes.Length < 2000);

        var verdict = Check(bytes, max: 2000);

        Assert.Equal(BatchInvalidReason.DecompressedTooLarge, verdict.Reason);
        Assert.Equal(ErrorCode.MessageTooLarge, verdict.ErrorCode);
        Assert.True(Check(bytes, max: 300_000 / RecordBatchValidator.MaxExpansionRatio + 100).IsValid);
    }

    [Fact]
    public void Validating_a_compressed_batch_allocates_nothing_in_steady_state()
    {
        var bytes = TestBatches.Create(400, valueSize: 100, compression: CompressionType.Lz4);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Check(bytes).IsValid);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            Check(bytes);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Stored_batches_are_not_expanded()
    {
        var good = TestBatches.Create(10, compression: CompressionType.Lz4);
        var bytes = WithRecordsSection(good, new byte[40]);

        Assert.True(RecordBatchValidator.Validate(bytes, 1 << 20, BatchValidationMode.Stored, out _).IsValid);
    }
}
