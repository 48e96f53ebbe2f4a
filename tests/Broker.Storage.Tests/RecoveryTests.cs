using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using LogBroker.Storage.Segments;
using Xunit;

namespace LogBroker.Storage.Tests;

public class RecoveryTests
{
    /// <summary>A log of several segments: 60 batches of 3 records (offsets 0..179).</summary>
    private static LogHarness Filled()
    {
        var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024));
        for (var i = 0; i < 60; i++)
        {
            h.Append(3, valueSize: 60);
        }

        Assert.True(h.Log.SegmentCount >= 3);
        return h;
    }

    /// <summary>Opens a file the (abandoned) log still holds: shared, as the broker itself opens its files.</summary>
    private static FileStream OpenForDamage(string path) =>
        new(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    [Fact]
    public void Clean_reopen_skips_the_scan_and_keeps_everything()
    {
        using var h = Filled();

        var log = h.ReopenClean();

        Assert.False(log.WasRecovered);
        h.AssertHoldsExactly(0, 180);
        h.Append(3);
        h.AssertHoldsExactly(0, 183);
    }

    [Fact]
    public void Unclean_reopen_scans_and_keeps_every_whole_batch()
    {
        using var h = Filled();

        var log = h.CrashAndReopen();

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, 180);
    }

    [Fact]
    public void Tail_cut_mid_batch_is_truncated_to_the_last_whole_batch()
    {
        using var h = Filled();
        var active = h.Log.Segments[^1];
        var activeFile = h.SegmentFile(active.BaseOffset, SegmentFiles.LogExtension);

        using (var file = OpenForDamage(activeFile))
        {
            // The last batch loses its last two records (values are zero-padded, so a cut that only
            // removes padding would be restored byte for byte by the zeros a re-extended file reads).
            file.SetLength(active.SizeInBytes - 150);
        }

        h.CrashAndReopen();

        h.AssertHoldsExactly(0, 177);
        h.Append(3);
        h.AssertHoldsExactly(0, 180);
    }

    [Fact]
    public void Garbage_after_the_last_batch_is_dropped()
    {
        using var h = Filled();
        var active = h.Log.Segments[^1];
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        using (var file = OpenForDamage(h.SegmentFile(active.BaseOffset, SegmentFiles.LogExtension)))
        {
            file.Position = active.SizeInBytes;
            file.Write(garbage);
        }

        h.CrashAndReopen();

        h.AssertHoldsExactly(0, 180);
        h.Append(3);
        h.AssertHoldsExactly(0, 183);
    }

    [Fact]
    public void A_flipped_byte_in_a_middle_batch_cuts_the_log_there_and_drops_later_segments()
    {
        using var h = Filled();
        var middle = h.Log.Segments[1];
        var third = h.Log.Segments[2];

        // The third batch of the second segment starts 2 batches in; damage a byte of its records.
        var batchSize = h.Log.Segments[0].SizeInBytes / (h.Log.Segments[0].NextOffset / 3);
        using (var file = OpenForDamage(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension)))
        {
            file.Position = (2 * batchSize) + 100;
            var b = file.ReadByte();
            file.Position = (2 * batchSize) + 100;
            file.WriteByte((byte)(b ^ 0x01));
        }

        var log = h.CrashAndReopen();

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, middle.BaseOffset + 6);
        Assert.Equal(2, log.SegmentCount);
        Assert.False(File.Exists(h.SegmentFile(third.BaseOffset, SegmentFiles.LogExtension)));
        h.Append(3);
        h.AssertHoldsExactly(0, middle.BaseOffset + 9);
    }

    /// <summary>Bytes of one batch of <see cref="Filled"/> (all its batches are the same size).</summary>
    private static long BatchSize(LogHarness h) => h.Log.Segments[0].SizeInBytes / (h.Log.Segments[0].NextOffset / 3);

    private static void Zero(string path, long from, long count)
    {
        using var file = OpenForDamage(path);
        file.Position = from;
        file.Write(new byte[count]);
    }

    [Fact]
    public void A_sealed_middle_segment_zeroed_from_a_batch_boundary_to_its_end_cuts_the_log_there_with_no_gap()
    {
        using var h = Filled();
        var middle = h.Log.Segments[1];
        var third = h.Log.Segments[2];
        var batchSize = BatchSize(h);
        Zero(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension), 2 * batchSize, middle.SizeInBytes - (2 * batchSize));

        var log = h.CrashAndReopen();

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, middle.BaseOffset + 6);
        Assert.Equal(2, log.SegmentCount);
        Assert.False(File.Exists(h.SegmentFile(third.BaseOffset, SegmentFiles.LogExtension)));
        h.Append(3);
        h.AssertHoldsExactly(0, middle.BaseOffset + 9);
    }

    [Fact]
    public void A_zeroed_batch_inside_a_sealed_middle_segment_cuts_the_log_there_with_no_gap()
    {
        using var h = Filled();
        var middle = h.Log.Segments[1];
        var batchSize = BatchSize(h);
        Zero(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension), 2 * batchSize, batchSize);

        var log = h.CrashAndReopen();

        h.AssertHoldsExactly(0, middle.BaseOffset + 6);
        Assert.Equal(2, log.SegmentCount);
    }

    [Fact]
    public void An_untrimmed_zero_tail_of_a_sealed_segment_that_reaches_the_next_segment_is_its_clean_end()
    {
        // A stop between creating the next segment and trimming the one before leaves it pre-allocated.
        using var h = Filled();
        var middle = h.Log.Segments[1];
        using (var file = OpenForDamage(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension)))
        {
            file.SetLength(middle.SizeInBytes + (64 * 1024));
        }

        var log = h.CrashAndReopen();

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, 180);
        Assert.Equal(middle.SizeInBytes, new FileInfo(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension)).Length);
    }

    [Fact]
    public void A_segment_truncated_then_rolled_keeps_its_zeroed_tail_and_survives_a_crash_whole()
    {
        using var h = Filled();
        var middle = h.Log.Segments[1];
        h.Log.TruncateTo(middle.BaseOffset + 9); // the middle segment is active again, its cut bytes zeroed
        h.Log.UpdateHighWatermark(h.Log.LogEndOffset);
        h.Append(3, timestamp: h.Time.NowMs + (8L * 24 * 3600 * 1000)); // past segment.ms: rolls at once
        Assert.Equal(3, h.Log.SegmentCount);

        var end = h.Log.LogEndOffset;
        Assert.True(new FileInfo(h.SegmentFile(middle.BaseOffset, SegmentFiles.LogExtension)).Length > h.Log.Segments[1].SizeInBytes);

        h.CrashAndReopen();

        h.AssertHoldsExactly(0, end);
    }

    [Fact]
    public void Recovery_reads_batches_across_its_read_chunks_and_larger_than_them()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 16 << 20) with { MaxMessageBytes = 4 << 20, IndexIntervalBytes = 4096, SegmentIndexBytes = 64 * 1024 });
        for (var i = 0; i < 30; i++)
        {
            h.Append(50, valueSize: 1000); // about 52 KB each: some straddle the 1 MiB chunk boundaries
        }

        var bigAt = h.Log.SizeInBytes;
        h.Append(200, valueSize: 12_000); // about 2.4 MB: larger than a chunk
        for (var i = 0; i < 10; i++)
        {
            h.Append(50, valueSize: 1000);
        }

        var end = h.Log.LogEndOffset;
        var log = h.CrashAndReopen();

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, end);

        // Damage inside the large batch: the log is cut at its start.
        using (var file = OpenForDamage(h.SegmentFile(0, SegmentFiles.LogExtension)))
        {
            file.Position = bigAt + 2_000_000;
            var b = file.ReadByte();
            file.Position = bigAt + 2_000_000;
            file.WriteByte((byte)(b ^ 0x04));
        }

        h.CrashAndReopen();

        h.AssertHoldsExactly(0, 1500);
    }

    [Fact]
    public void Deleted_index_files_are_rebuilt_on_open()
    {
        using var h = Filled();
        var segments = h.Log.Segments;
        h.Log.Dispose();
        foreach (var s in segments)
        {
            File.Delete(h.SegmentFile(s.BaseOffset, SegmentFiles.IndexExtension));
            File.Delete(h.SegmentFile(s.BaseOffset, SegmentFiles.TimeIndexExtension));
        }

        var log = h.Reopen(new LogOpenOptions { CleanShutdown = true });

        Assert.True(log.WasRecovered);
        h.AssertHoldsExactly(0, 180);
        Assert.All(segments.Take(segments.Count - 1), s => Assert.True(new FileInfo(h.SegmentFile(s.BaseOffset, SegmentFiles.IndexExtension)).Length > 0));
    }

    [Fact]
    public void Segments_flushed_before_the_recovery_point_are_not_scanned_again()
    {
        using var h = Filled();
        h.Log.Flush();
        var flushedTo = h.Log.RecoveryPoint;
        h.Append(3);

        // Damage a sealed, flushed segment: only the read path can notice it now.
        var first = h.Log.Segments[0];
        using (var file = OpenForDamage(h.SegmentFile(first.BaseOffset, SegmentFiles.LogExtension)))
        {
            file.Position = 200;
            var b = file.ReadByte();
            file.Position = 200;
            file.WriteByte((byte)(b ^ 0xFF));
        }

        var log = h.CrashAndReopen(recoveryPoint: flushedTo);

        Assert.Equal(183, log.LogEndOffset); // the tail was scanned and kept; segment 0 was trusted
    }

    [Fact]
    public void A_corrupt_batch_found_on_read_is_never_served_and_the_next_start_recovers_it()
    {
        using var h = Filled();
        h.Log.Dispose();
        var segment0 = h.SegmentFile(0, SegmentFiles.LogExtension);
        using (var file = OpenForDamage(segment0))
        {
            file.Position = 400; // inside the third or fourth batch
            var b = file.ReadByte();
            file.Position = 400;
            file.WriteByte((byte)(b ^ 0x20));
        }

        var log = h.Reopen(new LogOpenOptions { CleanShutdown = true });
        using var before = log.Read(0, 1); // the first batch is good
        using var damaged = log.Read(9, 1 << 20);

        Assert.Equal(ErrorCode.None, before.Error);
        Assert.Equal(ErrorCode.CorruptMessage, damaged.Error);
        Assert.True(damaged.IsEmpty);
        Assert.True(log.HasCorruption);
        Assert.Equal(0, log.RecoveryPoint);

        // A read that starts before the damage stops short of it.
        using var upTo = log.Read(0, 1 << 20);
        var served = Testing.TestBatches.Decode(upTo.Records.Span);
        Assert.True(served[^1].Offset < 9);

        // Flushing, and the clean close that flushes, must not lift the recovery point back over the
        // damaged segment: the checkpoint is written from it. The restart itself is covered through
        // the log manager in CorruptionRecoveryTests.
        log.Flush();
        Assert.Equal(0, log.RecoveryPoint);
        log.Dispose();
        Assert.Equal(0, log.RecoveryPoint);
    }
}
