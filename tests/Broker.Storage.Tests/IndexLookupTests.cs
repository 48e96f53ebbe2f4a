using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogBroker.Storage.Segments;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

public class IndexLookupTests
{
    [Fact]
    public void Every_offset_of_a_multi_segment_log_reads_back_the_batch_holding_it()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4096));
        var batchBounds = new List<(long First, long Last)>();
        for (var i = 0; i < 120; i++)
        {
            var r = h.Append(1 + (i % 5));
            batchBounds.Add((r.FirstOffset, r.LastOffset));
        }

        Assert.True(h.Log.SegmentCount > 3);
        foreach (var (first, last) in batchBounds)
        {
            for (var offset = first; offset <= last; offset++)
            {
                using var read = h.Log.Read(offset, 1);
                var records = TestBatches.Decode(read.Records.Span);
                Assert.Equal(first, records[0].Offset);
                Assert.Equal(last, records[^1].Offset);
            }
        }
    }

    [Fact]
    public void Every_timestamp_finds_the_first_record_at_or_after_it()
    {
        using var h = new LogHarness();
        var timestamps = new List<(long Offset, long Timestamp)>();
        for (var i = 0; i < 80; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(10 + (i % 3)));
            var r = h.Append(3);
            for (var j = 0; j < 3; j++)
            {
                timestamps.Add((r.FirstOffset + j, h.Time.NowMs + j));
            }
        }

        var from = timestamps[0].Timestamp - 5;
        var to = timestamps[^1].Timestamp + 5;
        for (var t = from; t <= to; t++)
        {
            var expected = timestamps.FirstOrDefault(x => x.Timestamp >= t);
            var found = h.Log.FindOffsetByTimestamp(t);
            if (expected == default)
            {
                Assert.Null(found);
            }
            else
            {
                Assert.Equal(expected.Offset, found?.Offset);
                Assert.Equal(expected.Timestamp, found?.Timestamp);
            }
        }
    }

    [Fact]
    public void Timestamp_lookup_finds_records_inside_compressed_batches()
    {
        using var h = new LogHarness();
        h.Append(10, compression: Protocol.Compression.CompressionType.Lz4, timestamp: 1000);

        Assert.Equal(new Log.TimestampOffset(4, 1004), h.Log.FindOffsetByTimestamp(1004));
    }

    [Property(MaxTest = 200)]
    public Property Offset_index_lookup_is_the_floor_entry(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        using var dir = new TempDirectory("index");
        using var index = new OffsetIndex(dir.Combine("0.index"), 1000, 4096, writable: true);
        var entries = new List<(long Offset, int Position)>();
        long offset = 1000;
        var position = 0;
        var count = random.Next(0, 200);
        for (var i = 0; i < count; i++)
        {
            offset += random.Next(1, 50);
            position += random.Next(1, 5000);
            index.Append(offset, position);
            entries.Add((offset, position));
        }

        var ok = true;
        for (var target = 990L; target <= offset + 10; target++)
        {
            var expected = entries.LastOrDefault(e => e.Offset <= target);
            var actual = index.Lookup(target);
            ok &= expected == default ? actual == (1000, 0) : actual == expected;
        }

        return ok.Label($"{count} entries");
    }

    [Fact]
    public void Time_index_keeps_only_growing_timestamps_and_looks_up_the_floor()
    {
        using var dir = new TempDirectory("timeindex");
        using var index = new TimeIndex(dir.Combine("0.timeindex"), 100, 4096, writable: true);

        index.MaybeAppend(50, 100);
        index.MaybeAppend(40, 110); // older: ignored
        index.MaybeAppend(60, 120);
        index.MaybeAppend(60, 130); // not newer: ignored
        index.MaybeAppend(90, 140);

        Assert.Equal(3, index.Entries);
        Assert.Equal(100, index.Lookup(10)); // before every entry: the segment start
        Assert.Equal(100, index.Lookup(50));
        Assert.Equal(100, index.Lookup(59));
        Assert.Equal(120, index.Lookup(60));
        Assert.Equal(120, index.Lookup(89));
        Assert.Equal(140, index.Lookup(1000));
    }

    [Fact]
    public void A_full_index_refuses_more_entries()
    {
        using var dir = new TempDirectory("index");
        using var index = new OffsetIndex(dir.Combine("0.index"), 0, 16, writable: true);

        index.Append(1, 10);
        index.Append(2, 20);

        Assert.True(index.IsFull);
        Assert.Throws<InvalidOperationException>(() => index.Append(3, 30));
    }
}
