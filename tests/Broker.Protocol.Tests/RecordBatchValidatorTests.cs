using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Wire;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class RecordBatchValidatorTests
{
    private static BatchValidationResult Check(byte[] bytes, int max = 1 << 20, BatchValidationMode mode = BatchValidationMode.Produce) =>
        RecordBatchValidator.Validate(bytes, max, mode, out _);

    private static void Recrc(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RecordBatchLayout.Crc), Crc32C.Compute(bytes.AsSpan(RecordBatchLayout.CrcStart)));

    [Fact]
    public void A_flipped_bit_anywhere_the_crc_covers_is_detected()
    {
        var original = TestBatches.Create(5, valueSize: 20);
        for (var position = RecordBatchLayout.CrcStart; position < original.Length; position++)
        {
            var damaged = (byte[])original.Clone();
            damaged[position] ^= 0x10;

            var verdict = Check(damaged, mode: BatchValidationMode.Stored);

            Assert.False(verdict.IsValid, $"flip at byte {position} went unnoticed");
            Assert.Equal(BatchInvalidReason.BadCrc, verdict.Reason);
            Assert.Equal(ErrorCode.CorruptMessage, verdict.ErrorCode);
        }
    }

    [Fact]
    public void Bad_crc_is_corrupt_message()
    {
        var bytes = TestBatches.Create(3);
        bytes[^1] ^= 0xFF;

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.BadCrc, verdict.Reason);
        Assert.Equal(ErrorCode.CorruptMessage, verdict.ErrorCode);
        Assert.Contains("CRC", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_is_unsupported_format()
    {
        var bytes = TestBatches.Create(3);
        bytes[RecordBatchLayout.Magic] = 1;

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.BadMagic, verdict.Reason);
        Assert.Equal(ErrorCode.UnsupportedForMessageFormat, verdict.ErrorCode);
    }

    [Fact]
    public void Negative_length_is_refused()
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), -5);

        Assert.Equal(BatchInvalidReason.NegativeLength, Check(bytes).Reason);
    }

    [Fact]
    public void Length_past_the_bytes_present_is_truncated()
    {
        var bytes = TestBatches.Create(3);

        Assert.Equal(BatchInvalidReason.Truncated, Check(bytes[..^1]).Reason);
        Assert.Equal(BatchInvalidReason.Truncated, Check(bytes[..40]).Reason);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 11)]
    [InlineData(int.MaxValue - 12)]
    public void Length_near_int_max_is_truncated_not_wrapped(int batchLength)
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), batchLength);

        var single = RecordBatchValidator.Validate(bytes, int.MaxValue, BatchValidationMode.Produce, out var size);
        var run = RecordBatchValidator.ValidateAll(bytes, int.MaxValue, BatchValidationMode.Stored, out _, out _);

        Assert.Equal(BatchInvalidReason.Truncated, single.Reason);
        Assert.Equal(0, size);
        Assert.Equal(BatchInvalidReason.Truncated, run.Reason);
        Assert.Equal(ErrorCode.CorruptMessage, single.ErrorCode);
    }

    [Fact]
    public void Batch_cursor_stops_at_a_length_near_int_max()
    {
        var bytes = TestBatches.Concat(TestBatches.Create(2), TestBatches.Create(3));
        var second = TestBatches.Create(2).Length;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(second + RecordBatchLayout.BatchLength), int.MaxValue);
        var cursor = new BatchCursor(bytes);

        Assert.True(cursor.MoveNext(out _));
        Assert.False(cursor.MoveNext(out _));
        Assert.Equal(2, BatchCursor.CountRecords(bytes));
    }

    [Fact]
    public void Length_too_small_for_a_header_is_refused()
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), 10);

        Assert.Equal(BatchInvalidReason.LengthTooSmall, Check(bytes).Reason);
    }

    [Fact]
    public void Batch_over_max_message_bytes_is_message_too_large()
    {
        var bytes = TestBatches.Create(10, valueSize: 100);

        var verdict = Check(bytes, max: bytes.Length - 1);

        Assert.Equal(BatchInvalidReason.TooLarge, verdict.Reason);
        Assert.Equal(ErrorCode.MessageTooLarge, verdict.ErrorCode);
    }

    [Fact]
    public void Record_count_that_disagrees_with_the_records_is_refused()
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.RecordsCount), 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 1);
        Recrc(bytes);

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.RecordCountMismatch, verdict.Reason);
        Assert.Equal(ErrorCode.InvalidRecord, verdict.ErrorCode);
    }

    [Fact]
    public void Record_count_that_disagrees_with_last_offset_delta_is_refused()
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 5);
        Recrc(bytes);

        Assert.Equal(BatchInvalidReason.RecordCountMismatch, Check(bytes).Reason);
    }

    [Fact]
    public void Offset_delta_out_of_range_is_refused()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "a"u8, "b"u8);
        var bytes = builder.Build().ToArray();

        // record: length, attributes, timestampDelta (0), offsetDelta: set it to 3 (zigzag 6)
        var offsetDeltaAt = RecordBatchLayout.HeaderSize + 3;
        Assert.Equal(0, bytes[offsetDeltaAt]);
        bytes[offsetDeltaAt] = 6;
        Recrc(bytes);

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.OffsetDeltaOutOfRange, verdict.Reason);
        Assert.Equal(ErrorCode.InvalidRecord, verdict.ErrorCode);
    }

    [Fact]
    public void Malformed_record_is_refused()
    {
        var bytes = TestBatches.Create(2);

        // the first record's key length: claim far more bytes than the record holds
        bytes[RecordBatchLayout.HeaderSize + 4] = 0x7e;
        Recrc(bytes);

        Assert.Equal(BatchInvalidReason.MalformedRecord, Check(bytes).Reason);
    }

    [Fact]
    public void Unsupported_codec_is_refused_on_produce()
    {
        var bytes = TestBatches.Create(2);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(RecordBatchLayout.Attributes), (short)CompressionType.Zstd);
        Recrc(bytes);

        var verdict = Check(bytes);

        Assert.Equal(BatchInvalidReason.UnsupportedCompression, verdict.Reason);
        Assert.Equal(ErrorCode.UnsupportedCompressionType, verdict.ErrorCode);
    }

    [Fact]
    public void Control_batches_from_producers_are_refused()
    {
        var bytes = TestBatches.Create(1);
        BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(RecordBatchLayout.Attributes), BatchAttributes.Create(CompressionType.None, control: true).Value);
        Recrc(bytes);

        Assert.Equal(BatchInvalidReason.ControlBatchFromClient, Check(bytes).Reason);
    }

    [Fact]
    public void A_run_of_batches_is_checked_batch_by_batch()
    {
        var good = TestBatches.Concat(TestBatches.Create(2), TestBatches.Create(3), TestBatches.Create(4, compression: CompressionType.Lz4));

        var verdict = RecordBatchValidator.ValidateAll(good, 1 << 20, BatchValidationMode.Produce, out var batches, out var records);

        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal(3, batches);
        Assert.Equal(9, records);

        var torn = good[..^3];
        var bad = RecordBatchValidator.ValidateAll(torn, 1 << 20, BatchValidationMode.Produce, out _, out _);
        Assert.Equal(BatchInvalidReason.Truncated, bad.Reason);
        Assert.StartsWith("batch 2:", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_mode_allows_gaps_left_by_compaction()
    {
        var bytes = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 10);
        Recrc(bytes);

        Assert.True(Check(bytes, mode: BatchValidationMode.Stored).IsValid);
        Assert.False(Check(bytes, mode: BatchValidationMode.Produce).IsValid);
    }

    [Fact]
    public void Every_failure_message_names_its_reason()
    {
        var crc = TestBatches.Create(3);
        crc[^1] ^= 1;
        var magic = TestBatches.Create(3);
        magic[RecordBatchLayout.Magic] = 1;
        var negative = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(negative.AsSpan(RecordBatchLayout.BatchLength), -5);
        var count = TestBatches.Create(3);
        BinaryPrimitives.WriteInt32BigEndian(count.AsSpan(RecordBatchLayout.RecordsCount), 4);
        BinaryPrimitives.WriteInt32BigEndian(count.AsSpan(RecordBatchLayout.LastOffsetDelta), 3);
        Recrc(count);

        foreach (var (bytes, reason) in new[] { (crc, BatchInvalidReason.BadCrc), (magic, BatchInvalidReason.BadMagic), (negative, BatchInvalidReason.NegativeLength), (count, BatchInvalidReason.RecordCountMismatch), (TestBatches.Create(3)[..^1], BatchInvalidReason.Truncated) })
        {
            var verdict = Check(bytes);

            Assert.Equal(reason, verdict.Reason);
            Assert.EndsWith($" (reason: {BatchValidationResult.Describe(reason)})", verdict.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reasons_have_distinct_descriptions()
    {
        var reasons = Enum.GetValues<BatchInvalidReason>();

        Assert.Equal(reasons.Length, reasons.Select(BatchValidationResult.Describe).Distinct().Count());
    }
}
