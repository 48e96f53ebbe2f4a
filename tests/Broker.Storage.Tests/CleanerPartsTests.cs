using System.Diagnostics;
using System.Text;
using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Cleaner;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>The cleaner's small parts on their own: the offset map, the I/O throttle, the checkpoint.</summary>
public class CleanerPartsTests
{
    [Fact]
    public void Offset_map_returns_the_latest_offset_per_key_and_minus_one_for_unknown_keys()
    {
        var map = new OffsetMap(OffsetMap.BytesPerEntry * 1000, 0.9);
        for (var offset = 0; offset < 5000; offset++)
        {
            map.Put(Encoding.UTF8.GetBytes($"key-{offset % 700}"), offset);
        }

        Assert.Equal(700, map.Count);
        Assert.Equal(900, map.Capacity);
        for (var k = 0; k < 700; k++)
        {
            Assert.Equal(k < 100 ? 4900 + k : 4200 + k, map.Get(Encoding.UTF8.GetBytes($"key-{k}")));
        }

        Assert.Equal(-1, map.Get("key-700"u8));
        Assert.Equal(-1, map.Get(default));

        map.Clear();

        Assert.Equal(0, map.Count);
        Assert.Equal(-1, map.Get("key-1"u8));
    }

    [Fact]
    public void Offset_map_tells_keys_of_any_length_apart_including_the_empty_key()
    {
        var map = new OffsetMap(64 * 1024, 0.9);
        map.Put(default, 1);
        map.Put(new byte[1], 2);
        map.Put(new byte[10_000], 3);

        Assert.Equal(1, map.Get(ReadOnlySpan<byte>.Empty));
        Assert.Equal(2, map.Get(new byte[1]));
        Assert.Equal(3, map.Get(new byte[10_000]));
        Assert.Equal(-1, map.Get(new byte[2]));
    }

    [Fact]
    public void Io_throttle_holds_the_rate_to_its_limit()
    {
        const long Rate = 8 * 1024 * 1024;
        var throttle = new IoThrottle(Rate);
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 64; i++)
        {
            throttle.Acquire(64 * 1024, CancellationToken.None); // 4 MiB in all: half a second at the rate
        }

        // The bucket starts with a tenth of a second's worth; the rest must wait for the rate.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(380), $"4 MiB at 8 MiB/s took {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void Io_throttle_waits_can_be_cancelled()
    {
        var throttle = new IoThrottle(1024);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => throttle.Acquire(1024 * 1024, cancelled.Token));
        Assert.True(new IoThrottle(long.MaxValue).IsUnbounded);
    }

    [Fact]
    public void A_throttled_cleaning_moves_no_more_bytes_per_second_than_allowed()
    {
        const long Rate = 4 * 1024 * 1024;
        using var c = new CleanerHarness(CleanerHarness.Compacted(segmentBytes: 64 * 1024), CleanerHarness.SmallCleaner with { MaxIoBytesPerSecond = Rate });
        c.FillSegments(sealedSegments: 12, keySpace: 100, new Random(8), batchSize: 100);

        var stats = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(stats);
        var moved = stats.DirtyBytesMapped + stats.BytesRead + stats.BytesWritten;
        Assert.True(moved > 1024 * 1024, $"only {moved} bytes moved");
        var least = TimeSpan.FromSeconds((moved - (Rate / 10.0)) / Rate);
        Assert.True(stats.Duration >= least * 0.95, $"{moved} bytes in {stats.Duration.TotalMilliseconds} ms at {Rate} bytes/s");
    }

    [Fact]
    public void Cleaner_checkpoint_moves_back_on_truncation_and_refuses_to_advance_over_one()
    {
        using var dir = new TempDirectory("checkpoint");
        var partition = new TopicPartition("profiles", 3);
        var checkpoint = CleanerCheckpoint.Load(dir.Path, NullLogger.Instance);
        Assert.True(checkpoint.TryAdvance(partition, 500, checkpoint.TruncationCount(partition)));

        var countAtStart = checkpoint.TruncationCount(partition);
        checkpoint.Truncate(partition, 300);

        Assert.Equal(300, checkpoint.FirstDirtyOffset(partition));
        Assert.False(checkpoint.TryAdvance(partition, 800, countAtStart)); // a cleaning that ran across the truncation
        Assert.Equal(300, OffsetCheckpointFile.Read(dir.Combine(CleanerCheckpoint.FileName))[partition]);
        Assert.Equal(300, CleanerCheckpoint.Load(dir.Path, NullLogger.Instance).FirstDirtyOffset(partition));

        checkpoint.Remove(partition);

        Assert.Null(CleanerCheckpoint.Load(dir.Path, NullLogger.Instance).FirstDirtyOffset(partition));
    }

    [Fact]
    public void A_damaged_cleaner_checkpoint_is_ignored()
    {
        using var dir = new TempDirectory("checkpoint");
        File.WriteAllText(dir.Combine(CleanerCheckpoint.FileName), "garbage");

        var checkpoint = CleanerCheckpoint.Load(dir.Path, NullLogger.Instance);

        Assert.Null(checkpoint.FirstDirtyOffset(new TopicPartition("profiles", 0)));
    }
}
