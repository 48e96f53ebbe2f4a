using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// The loops <see cref="LogManager.StartBackgroundTasks"/> starts really do their work: flushing by
/// <c>flush.ms</c>, deleting by retention, and checkpointing what they did. Their timers tick on the
/// real clock at short intervals; the log clock is moved by hand, and the tests wait for the effect.
/// </summary>
public class LogManagerBackgroundTests
{
    private static readonly TopicPartition Partition = new("events", 0);

    private static LogManager Open(TempDirectory dir, ManualTimeProvider time) =>
        LogManager.Open(
            new LogManagerOptions
            {
                DataDirectory = dir.Path,
                DefaultConfig = LogHarness.Small(),
                FlushCheckInterval = TimeSpan.FromMilliseconds(10),
                RetentionCheckInterval = TimeSpan.FromMilliseconds(10),
                CheckpointInterval = TimeSpan.FromMilliseconds(10),
                Cleaner = new CleanerOptions { Enabled = false },
            },
            _ => null,
            NullLoggerFactory.Instance,
            time);

    private static long Checkpointed(TempDirectory dir, string file) =>
        OffsetCheckpointFile.Read(dir.Combine(file)).GetValueOrDefault(Partition, -1);

    private static void Append(Log.PartitionLog log, int batches, long timestamp, int valueSize = 40)
    {
        for (var i = 0; i < batches; i++)
        {
            Assert.True(log.Append(TestBatches.Create(3, timestamp, valueSize, firstIndex: (int)log.LogEndOffset), 0).Succeeded);
        }

        log.UpdateHighWatermark(log.LogEndOffset);
    }

    [Fact]
    public async Task The_flush_loop_flushes_data_older_than_flush_ms_and_checkpoints_the_recovery_point()
    {
        using var dir = new TempDirectory("background");
        var time = new ManualTimeProvider();
        await using var manager = Open(dir, time);
        var log = manager.GetOrCreateLog(Partition, LogHarness.Small() with { FlushMs = 1000 });
        manager.StartBackgroundTasks();
        Append(log, 5, time.NowMs);
        Assert.Equal(0, log.RecoveryPoint);

        time.Advance(TimeSpan.FromSeconds(2));

        await Eventually.True(() => log.RecoveryPoint == 15, "the flush loop to fsync the log and move its recovery point");
        await Eventually.True(() => Checkpointed(dir, LogManager.RecoveryPointCheckpointFileName) == 15, "the recovery-point checkpoint to record the flush");
    }

    [Fact]
    public async Task Nothing_is_flushed_before_flush_ms_has_passed()
    {
        using var dir = new TempDirectory("background");
        var time = new ManualTimeProvider();
        await using var manager = Open(dir, time);
        var log = manager.GetOrCreateLog(Partition, LogHarness.Small() with { FlushMs = 60_000 });
        manager.StartBackgroundTasks();
        Append(log, 5, time.NowMs);

        // The checkpoint loop runs every 10 ms: once it has written the partition, the flush loop has had many passes too.
        await Eventually.True(() => Checkpointed(dir, LogManager.RecoveryPointCheckpointFileName) == 0, "a checkpoint pass that includes the partition");
        Assert.Equal(0, log.RecoveryPoint);

        time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.True(() => log.RecoveryPoint == 15, "the flush once flush.ms has passed");
    }

    [Fact]
    public async Task The_checkpoint_loop_records_a_flush_it_did_not_do()
    {
        using var dir = new TempDirectory("background");
        var time = new ManualTimeProvider();
        await using var manager = Open(dir, time);
        var log = manager.GetOrCreateLog(Partition, LogHarness.Small());
        manager.StartBackgroundTasks();
        Append(log, 4, time.NowMs);

        log.Flush();

        await Eventually.True(() => Checkpointed(dir, LogManager.RecoveryPointCheckpointFileName) == 12, "the checkpoint loop to record the recovery point");
    }

    [Fact]
    public async Task The_retention_loop_deletes_expired_segments_and_checkpoints_the_new_log_start()
    {
        using var dir = new TempDirectory("background");
        var time = new ManualTimeProvider();
        await using var manager = Open(dir, time);
        var config = LogHarness.Small(segmentBytes: 4096) with { RetentionMs = 3_600_000 };
        var log = manager.GetOrCreateLog(Partition, config);
        Append(log, 60, time.NowMs, valueSize: 100);
        time.Advance(TimeSpan.FromHours(2));
        Append(log, 1, time.NowMs, valueSize: 100); // the segment holding it is fresh; all before it expired
        var fresh = log.Segments[^1].BaseOffset;
        Assert.True(log.SegmentCount > 3, $"{log.SegmentCount} segments");

        manager.StartBackgroundTasks();

        await Eventually.True(() => log.LogStartOffset == fresh, "the retention loop to delete the expired segments");
        await Eventually.True(() => Checkpointed(dir, LogManager.LogStartOffsetCheckpointFileName) == fresh, "the log-start checkpoint to record the new start");
        Assert.False(File.Exists(Path.Combine(log.Directory, SegmentFiles.FileName(0, SegmentFiles.LogExtension))));
    }
}
