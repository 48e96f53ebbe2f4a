using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

public class AppendAndReadTests
{
    [Fact]
    public void Appends_get_consecutive_offsets_and_read_back_in_order_across_many_segments()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4096));

        for (var i = 0; i < 300; i++)
        {
            var result = h.Append(count: 1 + (i % 7), compression: i % 3 == 0 ? CompressionType.Lz4 : CompressionType.None);
            Assert.Equal(result.LastOffset + 1, h.Log.LogEndOffset);
        }

        Assert.True(h.Log.SegmentCount > 10, $"expected many segments, got {h.Log.SegmentCount}");
        var expectedEnd = Enumerable.Range(0, 300).Sum(i => 1 + (i % 7));
        h.AssertHoldsExactly(0, expectedEnd);
    }

    [Fact]
    public void Append_reports_first_and_last_offset_and_stamps_them_into_the_stored_batch()
    {
        using var h = new LogHarness();
        h.Append(5);

        var result = h.Append(3);

        Assert.Equal(5, result.FirstOffset);
        Assert.Equal(7, result.LastOffset);
        Assert.Equal(3, result.RecordCount);
        Assert.Equal(-1, result.LogAppendTime);
        using var read = h.Log.Read(6, 1 << 20);
        var batch = new RecordBatch(read.Records.Span);
        Assert.Equal(5, batch.BaseOffset);
        Assert.Equal(0, batch.PartitionLeaderEpoch);
        Assert.True(batch.IsCrcValid);
    }

    [Fact]
    public void Read_from_inside_a_batch_returns_the_whole_batch_that_holds_the_offset()
    {
        using var h = new LogHarness();
        h.Append(10);
        h.Append(10);

        using var read = h.Log.Read(14, 1 << 20);

        var records = TestBatches.Decode(read.Records.Span);
        Assert.Equal(10, records[0].Offset);
        Assert.Equal(19, records[^1].Offset);
    }

    [Fact]
    public void Read_returns_at_least_one_batch_even_when_it_is_larger_than_max_bytes()
    {
        using var h = new LogHarness();
        h.Append(50, valueSize: 100);

        using var read = h.Log.Read(0, maxBytes: 10);

        Assert.Equal(50, TestBatches.Decode(read.Records.Span).Count);
        Assert.True(read.Records.Length > 10);
    }

    [Fact]
    public void Read_stops_at_whole_batches_within_max_bytes()
    {
        using var h = new LogHarness();
        for (var i = 0; i < 10; i++)
        {
            h.Append(1, valueSize: 100);
        }

        using var one = h.Log.Read(0, 1);
        var batchSize = one.Records.Length;
        using var read = h.Log.Read(0, (batchSize * 3) + (batchSize / 2));

        Assert.Equal(batchSize * 3, read.Records.Length);
    }

    [Fact]
    public void Reads_never_pass_the_high_watermark()
    {
        using var h = new LogHarness();
        h.Append(5);
        h.Log.Append(TestBatches.Create(5, firstIndex: 5), leaderEpoch: 0); // not committed: high watermark stays at 5

        using var read = h.Log.Read(0, 1 << 20);
        using var atWatermark = h.Log.Read(5, 1 << 20);
        using var uncommitted = h.Log.Read(5, 1 << 20, maxOffsetExclusive: h.Log.LogEndOffset);

        Assert.Equal(5, TestBatches.Decode(read.Records.Span).Count);
        Assert.True(atWatermark.IsEmpty);
        Assert.Equal(ErrorCode.None, atWatermark.Error);
        Assert.Equal(5, TestBatches.Decode(uncommitted.Records.Span).Count);
    }

    [Fact]
    public void Offsets_outside_the_log_are_out_of_range_and_the_end_is_empty()
    {
        using var h = new LogHarness();
        h.Append(3);

        using var past = h.Log.Read(4, 100);
        using var end = h.Log.Read(3, 100);
        using var negative = h.Log.Read(-1, 100);

        Assert.Equal(ErrorCode.OffsetOutOfRange, past.Error);
        Assert.Equal(ErrorCode.OffsetOutOfRange, negative.Error);
        Assert.Equal(ErrorCode.None, end.Error);
        Assert.True(end.IsEmpty);
        Assert.Equal(3, end.HighWatermark);
    }

    [Fact]
    public void Log_append_time_topics_stamp_the_broker_clock_and_keep_the_crc_valid()
    {
        using var h = new LogHarness(LogHarness.Small() with { MessageTimestampType = TimestampType.LogAppendTime });
        h.Time.Advance(TimeSpan.FromHours(3));

        var result = h.Append(4, timestamp: 42);

        Assert.Equal(h.Time.NowMs, result.LogAppendTime);
        using var read = h.Log.Read(0, 1 << 20);
        var batch = new RecordBatch(read.Records.Span);
        Assert.True(batch.IsCrcValid);
        Assert.Equal(TimestampType.LogAppendTime, batch.Attributes.TimestampType);
        Assert.All(TestBatches.Decode(read.Records.Span), r => Assert.Equal(h.Time.NowMs, r.Timestamp));
    }

    [Fact]
    public void Several_batches_in_one_append_are_all_or_nothing()
    {
        using var h = new LogHarness();
        var good = TestBatches.Create(3);
        var bad = TestBatches.Create(2);
        bad[^1] ^= 1;

        var refused = h.Log.Append(TestBatches.Concat(good, bad), 0);
        var accepted = h.Log.Append(TestBatches.Concat(good, TestBatches.Create(2)), 0);

        Assert.Equal(ErrorCode.CorruptMessage, refused.Error);
        Assert.True(accepted.Succeeded);
        Assert.Equal(0, accepted.FirstOffset);
        Assert.Equal(4, accepted.LastOffset);
    }

    public static TheoryData<string, ErrorCode, BatchInvalidReason> BadInputs() => new()
    {
        { "bad crc", ErrorCode.CorruptMessage, BatchInvalidReason.BadCrc },
        { "wrong magic", ErrorCode.UnsupportedForMessageFormat, BatchInvalidReason.BadMagic },
        { "negative length", ErrorCode.CorruptMessage, BatchInvalidReason.NegativeLength },
        { "length int.MaxValue", ErrorCode.CorruptMessage, BatchInvalidReason.Truncated },
        { "length int.MaxValue-11", ErrorCode.CorruptMessage, BatchInvalidReason.Truncated },
        { "truncated", ErrorCode.CorruptMessage, BatchInvalidReason.Truncated },
        { "over max.message.bytes", ErrorCode.MessageTooLarge, BatchInvalidReason.TooLarge },
        { "record count mismatch", ErrorCode.InvalidRecord, BatchInvalidReason.RecordCountMismatch },
        { "offset delta out of range", ErrorCode.InvalidRecord, BatchInvalidReason.OffsetDeltaOutOfRange },
        { "empty", ErrorCode.CorruptMessage, BatchInvalidReason.Truncated },
        { "lz4 claims 5 records, holds 3", ErrorCode.InvalidRecord, BatchInvalidReason.RecordCountMismatch },
        { "lz4 garbage under a valid crc", ErrorCode.CorruptMessage, BatchInvalidReason.MalformedCompression },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_with_its_error_and_leaves_the_log_unchanged(string damage, ErrorCode expected, BatchInvalidReason reason)
    {
        using var h = new LogHarness(LogHarness.Small() with { MaxMessageBytes = 2000 });
        h.Append(4);
        var sizeBefore = h.Log.SizeInBytes;
        var bytes = Damage(damage);

        var result = h.Log.Append(bytes, 0);

        Assert.Equal(expected, result.Error);
        Assert.Equal(reason, result.InvalidReason);
        Assert.EndsWith($"({BatchValidationResult.Named(reason)})", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(4, h.Log.LogEndOffset);
        Assert.Equal(sizeBefore, h.Log.SizeInBytes);
        h.AssertHoldsExactly(0, 4);
    }

    [Fact]
    public void Each_kind_of_bad_input_the_issue_names_is_refused_with_its_own_reason()
    {
        string[] kinds = ["bad crc", "wrong magic", "negative length", "truncated", "over max.message.bytes", "record count mismatch", "offset delta out of range"];
        using var h = new LogHarness(LogHarness.Small() with { MaxMessageBytes = 2000 });

        var reasons = kinds.Select(kind => h.Log.Append(Damage(kind), 0).InvalidReason).ToList();

        Assert.DoesNotContain(BatchInvalidReason.None, reasons);
        Assert.Equal(kinds.Length, reasons.Distinct().Count());
    }

    [Fact]
    public void A_successful_append_has_no_invalid_reason()
    {
        using var h = new LogHarness();

        Assert.Equal(BatchInvalidReason.None, h.Append(2).InvalidReason);
    }

    private static byte[] Damage(string damage)
    {
        var bytes = TestBatches.Create(3);
        void Recrc() => BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RecordBatchLayout.Crc), Protocol.Wire.Crc32C.Compute(bytes.AsSpan(RecordBatchLayout.CrcStart)));
        switch (damage)
        {
            case "bad crc": bytes[^2] ^= 0x40; break;
            case "wrong magic": bytes[RecordBatchLayout.Magic] = 0; break;
            case "negative length": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), -1); break;

            // 12 + batchLength overflows int32 for both: the size must not wrap to a negative number.
            case "length int.MaxValue": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), int.MaxValue); break;
            case "length int.MaxValue-11": BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.BatchLength), int.MaxValue - 11); break;
            case "truncated": return bytes[..^5];
            case "over max.message.bytes": return TestBatches.Create(40, valueSize: 100);
            case "record count mismatch":
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.RecordsCount), 4);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 3);
                Recrc();
                break;
            case "offset delta out of range":
                bytes[RecordBatchLayout.HeaderSize + 3] = 0x0e;
                Recrc();
                break;
            case "empty": return [];
            case "lz4 claims 5 records, holds 3":
                bytes = TestBatches.Create(3, compression: CompressionType.Lz4);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.RecordsCount), 5);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LastOffsetDelta), 4);
                Recrc();
                break;
            case "lz4 garbage under a valid crc":
                bytes = TestBatches.Create(3, compression: CompressionType.Lz4);
                new Random(3).NextBytes(bytes.AsSpan(RecordBatchLayout.HeaderSize + 7)); // past the frame header
                Recrc();
                break;
        }

        return bytes;
    }
}
