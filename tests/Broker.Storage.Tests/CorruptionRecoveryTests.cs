using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Segments;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// A batch damaged on disk while the broker was down is found by the first read, never served, and
/// cut at the next start: through the log manager's own flushes, checkpoints and restarts.
/// </summary>
public class CorruptionRecoveryTests
{
    private static readonly TopicPartition Partition = new("events", 0);

    private static LogManager Open(TempDirectory dir, ManualTimeProvider time) =>
        LogManager.Open(new LogManagerOptions { DataDirectory = dir.Path, DefaultConfig = LogHarness.Small(segmentBytes: 8 * 1024) }, _ => null, NullLoggerFactory.Instance, time);

    /// <summary>60 batches of 3 records over several segments, then a clean stop.</summary>
    private static async Task FillAndStop(TempDirectory dir, ManualTimeProvider time)
    {
        var manager = Open(dir, time);
        var log = manager.GetOrCreateLog(Partition, LogHarness.Small(segmentBytes: 8 * 1024));
        for (var i = 0; i < 60; i++)
        {
            Assert.True(log.Append(TestBatches.Create(3, valueSize: 60, firstIndex: (int)log.LogEndOffset), 0).Succeeded);
        }

        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.True(log.SegmentCount >= 3);
        await manager.DisposeAsync();
    }

    private static void FlipByte(string path, long position)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        file.Position = position;
        var b = file.ReadByte();
        file.Position = position;
        file.WriteByte((byte)(b ^ 0x20));
    }

    [Fact]
    public async Task A_corrupt_batch_found_on_read_is_cut_at_the_next_start_even_after_flushes_and_checkpoints()
    {
        using var dir = new TempDirectory("corrupt");
        var time = new ManualTimeProvider();
        await FillAndStop(dir, time);
        FlipByte(dir.Combine(Partition.ToString(), SegmentFiles.FileName(0, SegmentFiles.LogExtension)), 400); // the third or fourth batch of segment 0

        var serving = Open(dir, time);
        Assert.True(serving.HadCleanShutdown);
        Assert.True(serving.TryGetLog(Partition, out var log));
        var endBefore = log.LogEndOffset;
        using (var damaged = log.Read(9, 1 << 20))
        {
            Assert.Equal(ErrorCode.CorruptMessage, damaged.Error);
        }

        // What the background loops would do next: flush (all bytes are long fsynced), checkpoint.
        Assert.True(log.Append(TestBatches.Create(3, firstIndex: (int)log.LogEndOffset), 0).Succeeded);
        log.Flush();
        serving.WriteCheckpoints();
        var checkpointed = OffsetCheckpointFile.Read(dir.Combine(LogManager.RecoveryPointCheckpointFileName))[Partition];
        Assert.Equal(0, checkpointed);
        await serving.DisposeAsync();

        Assert.False(File.Exists(dir.Combine(LogManager.CleanShutdownFileName)));
        Assert.Equal(0, OffsetCheckpointFile.Read(dir.Combine(LogManager.RecoveryPointCheckpointFileName))[Partition]);

        await using var restarted = Open(dir, time);
        Assert.True(restarted.TryGetLog(Partition, out var recovered));
        Assert.True(recovered.WasRecovered);
        Assert.True(recovered.LogEndOffset <= 9, $"the damaged batch (offsets 6..11) should be cut; log end is {recovered.LogEndOffset} (was {endBefore + 3})");
        Assert.Equal(1, recovered.SegmentCount);
        recovered.UpdateHighWatermark(recovered.LogEndOffset);
        var records = ReadAll(recovered);
        Assert.Equal(recovered.LogEndOffset, records.Count);
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.Offset));
    }

    [Fact]
    public async Task A_truncation_below_the_corrupt_segment_clears_the_floor()
    {
        using var dir = new TempDirectory("corrupt");
        var time = new ManualTimeProvider();
        await FillAndStop(dir, time);
        await using var manager = Open(dir, time);
        Assert.True(manager.TryGetLog(Partition, out var log));
        var last = log.Segments[^1];
        var lastSegmentFile = dir.Combine(Partition.ToString(), SegmentFiles.FileName(last.BaseOffset, SegmentFiles.LogExtension));
        FlipByte(lastSegmentFile, 100);
        using (var damaged = log.Read(last.BaseOffset, 1 << 20))
        {
            Assert.Equal(ErrorCode.CorruptMessage, damaged.Error);
        }

        Assert.Equal(last.BaseOffset, log.RecoveryPoint);

        log.TruncateTo(last.BaseOffset);
        log.Flush();

        Assert.Equal(log.LogEndOffset, log.RecoveryPoint);
    }

    private static List<(long Offset, long Timestamp, string Key, string? Value)> ReadAll(Log.PartitionLog log)
    {
        var records = new List<(long, long, string, string?)>();
        var offset = log.LogStartOffset;
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, 4096);
            Assert.Equal(ErrorCode.None, read.Error);
            records.AddRange(TestBatches.Decode(read.Records.Span));
            offset = Protocol.Batches.BatchCursor.NextOffsetAfter(read.Records.Span);
        }

        return records;
    }
}
