using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;
using Xunit;

namespace LogBroker.Storage.Tests;

public class RollTests
{
    [Fact]
    public void Segment_rolls_before_it_would_pass_segment_bytes()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024));

        for (var i = 0; i < 40; i++)
        {
            h.Append(5, valueSize: 100);
        }

        var segments = h.Log.Segments;
        Assert.True(segments.Count > 1);
        Assert.All(segments, s => Assert.True(s.SizeInBytes <= 8 * 1024, $"segment {s.BaseOffset} is {s.SizeInBytes} bytes"));
        for (var i = 1; i < segments.Count; i++)
        {
            Assert.Equal(segments[i - 1].NextOffset, segments[i].BaseOffset);
        }

        Assert.True(segments[^1].IsActive);
        Assert.All(segments.Take(segments.Count - 1), s => Assert.False(s.IsActive));
    }

    [Fact]
    public void Sealed_segments_have_trimmed_files_and_indexes()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024));
        for (var i = 0; i < 40; i++)
        {
            h.Append(5, valueSize: 100);
        }

        var sealedSegment = h.Log.Segments[0];
        Assert.Equal(sealedSegment.SizeInBytes, new FileInfo(h.SegmentFile(sealedSegment.BaseOffset, SegmentFiles.LogExtension)).Length);
        var indexLength = new FileInfo(h.SegmentFile(sealedSegment.BaseOffset, SegmentFiles.IndexExtension)).Length;
        Assert.True(indexLength > 0 && indexLength < 4096 && indexLength % OffsetIndex.EntryBytes == 0, $"index is {indexLength} bytes");
        Assert.Equal(8 * 1024, new FileInfo(h.SegmentFile(h.Log.Segments[^1].BaseOffset, SegmentFiles.LogExtension)).Length);
    }

    [Fact]
    public void Segment_rolls_once_its_first_batch_is_older_than_segment_ms()
    {
        using var h = new LogHarness(LogHarness.Small() with { SegmentMs = 60_000 });
        h.Append(1);
        h.Time.Advance(TimeSpan.FromSeconds(59));
        h.Append(1);
        Assert.Equal(1, h.Log.SegmentCount);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Append(1);

        Assert.Equal(2, h.Log.SegmentCount);
        Assert.Equal(2, h.Log.Segments[1].BaseOffset);
    }

    [Fact]
    public void Old_producer_timestamps_do_not_roll_on_every_append()
    {
        // segment.ms is measured between batch timestamps, as Kafka does, not against the wall clock:
        // replaying week-old data must not make a segment per batch.
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 1 << 20) with { SegmentMs = 60_000 });
        var weekAgo = h.Time.NowMs - (long)TimeSpan.FromDays(7).TotalMilliseconds;

        for (var i = 0; i < 50; i++)
        {
            h.Append(2, timestamp: weekAgo + i);
        }

        Assert.Equal(1, h.Log.SegmentCount);
    }

    [Fact]
    public void Segment_rolls_when_its_index_is_full()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 1 << 20) with { IndexIntervalBytes = 1, SegmentIndexBytes = 64 });

        for (var i = 0; i < 30; i++)
        {
            h.Append(1);
        }

        // 64-byte indexes hold 8 offset entries (5 time entries); an entry goes in for every batch after the first
        Assert.True(h.Log.SegmentCount >= 4, $"{h.Log.SegmentCount} segments");
        h.AssertHoldsExactly(0, 30);
    }
}
