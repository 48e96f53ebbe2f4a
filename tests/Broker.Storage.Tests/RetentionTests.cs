using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;
using Xunit;

namespace LogBroker.Storage.Tests;

public class RetentionTests
{
    [Fact]
    public void Time_retention_deletes_old_sealed_segments_and_moves_the_log_start_offset()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024) with { RetentionMs = 3_600_000 });
        for (var i = 0; i < 30; i++)
        {
            h.Append(3, valueSize: 100);
        }

        var oldSegments = h.Log.Segments;
        h.Time.Advance(TimeSpan.FromHours(2));
        h.Append(3, valueSize: 100); // a fresh record keeps the newest segment
        h.Append(3, valueSize: 100);

        var deleted = h.Log.DeleteRetentionBreachedSegments();

        Assert.Equal(oldSegments.Count - 1, deleted);
        Assert.Equal(oldSegments[^1].BaseOffset, h.Log.LogStartOffset);
        Assert.False(File.Exists(h.SegmentFile(0, SegmentFiles.LogExtension)));
        h.AssertHoldsExactly(oldSegments[^1].BaseOffset, 96);
        using var gone = h.Log.Read(0, 100);
        Assert.Equal(ErrorCode.OffsetOutOfRange, gone.Error);
    }

    [Fact]
    public void Time_retention_without_a_size_limit_keeps_every_segment_newer_than_retention_ms()
    {
        // retention.bytes = -1 (the default): deleting one expired segment must not make newer ones look oversized.
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4 * 1024) with { RetentionMs = 3_600_000, RetentionBytes = -1 });
        for (var i = 0; i < 10; i++)
        {
            h.Append(3, valueSize: 100);
        }

        h.Time.Advance(TimeSpan.FromHours(2));
        for (var i = 0; i < 40; i++)
        {
            h.Append(3, valueSize: 100);
        }

        var recent = h.Log.Segments.Where(s => h.Time.NowMs - s.LargestTimestamp <= 3_600_000).ToList();
        Assert.True(recent.Count > 3, "the fresh data should span several segments");
        Assert.True(recent.Count < h.Log.SegmentCount, "some segments should have expired");

        h.Log.DeleteRetentionBreachedSegments();

        Assert.Equal(recent.Select(s => s.BaseOffset), h.Log.Segments.Select(s => s.BaseOffset));
    }

    [Fact]
    public void Size_retention_deletes_oldest_segments_while_the_log_is_over_retention_bytes()
    {
        // Kafka's rule: delete the oldest segment only while what remains is still at least retention.bytes.
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4 * 1024) with { RetentionBytes = 10 * 1024 });
        for (var i = 0; i < 60; i++)
        {
            h.Append(3, valueSize: 100);
        }

        var before = h.Log.SizeInBytes;
        var deleted = h.Log.DeleteRetentionBreachedSegments();

        Assert.True(before > 20 * 1024);
        Assert.True(deleted > 0);
        Assert.True(h.Log.SizeInBytes >= 10 * 1024, $"{h.Log.SizeInBytes} bytes left: deleted more than needed");
        Assert.True(h.Log.SizeInBytes - h.Log.Segments[0].SizeInBytes < 10 * 1024, "one more segment could have gone");
        Assert.Equal(h.Log.Segments[0].BaseOffset, h.Log.LogStartOffset);
        h.AssertHoldsExactly(h.Log.LogStartOffset, 180);
    }

    [Fact]
    public void Retention_never_deletes_the_active_segment_or_data_above_the_high_watermark()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024) with { RetentionMs = 1 });
        for (var i = 0; i < 30; i++)
        {
            h.Append(3, valueSize: 100);
        }

        h.Log.UpdateHighWatermark(0);
        h.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, h.Log.DeleteRetentionBreachedSegments());

        h.Log.UpdateHighWatermark(h.Log.LogEndOffset);
        h.Log.DeleteRetentionBreachedSegments();

        Assert.Equal(1, h.Log.SegmentCount);
        Assert.True(h.Log.Segments[0].IsActive);
    }

    [Fact]
    public void Compact_only_topics_are_not_deleted_by_retention()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024) with { RetentionMs = 1, CleanupPolicy = CleanupPolicy.Compact });
        for (var i = 0; i < 30; i++)
        {
            h.Append(3, valueSize: 100);
        }

        h.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(0, h.Log.DeleteRetentionBreachedSegments());
    }

    [Fact]
    public void Log_start_offset_survives_a_restart()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4 * 1024) with { RetentionBytes = 4 * 1024 });
        for (var i = 0; i < 40; i++)
        {
            h.Append(3, valueSize: 100);
        }

        h.Log.DeleteRetentionBreachedSegments();
        var start = h.Log.LogStartOffset;
        Assert.True(start > 0);

        h.ReopenClean();

        h.AssertHoldsExactly(start, 120);
    }
}
