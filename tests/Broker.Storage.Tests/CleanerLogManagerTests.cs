using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

public class CleanerLogManagerTests
{
    private static readonly TopicPartition Compacted = new("profiles", 0);
    private static readonly TopicPartition Plain = new("events", 0);

    private static LogManager Open(TempDirectory dir, ManualTimeProvider time) =>
        LogManager.Open(
            new LogManagerOptions { DataDirectory = dir.Path, DefaultConfig = LogHarness.Small(), Cleaner = CleanerHarness.SmallCleaner },
            topic => topic == Compacted.Topic ? CleanerHarness.Compacted() : null,
            NullLoggerFactory.Instance,
            time);

    private static void FillWithDuplicates(PartitionLog log, int sealedSegments)
    {
        var random = new Random(7);
        while (log.SegmentCount <= sealedSegments)
        {
            log.Append(TestBatches.FromPairs(Enumerable.Range(0, 20).Select(_ => ($"k{random.Next(25)}", (string?)"value"))), 0);
            log.UpdateHighWatermark(log.LogEndOffset);
        }
    }

    [Fact]
    public async Task The_background_cleaner_compacts_compacted_logs_only_and_checkpoints_where_it_got_to()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        var manager = Open(dir, time);
        var compacted = manager.GetOrCreateLog(Compacted, CleanerHarness.Compacted());
        var plain = manager.GetOrCreateLog(Plain, LogHarness.Small());
        FillWithDuplicates(compacted, 6);
        FillWithDuplicates(plain, 6);
        var plainSize = plain.SizeInBytes;
        var end = compacted.Segments[^1].BaseOffset;

        manager.StartBackgroundTasks();
        await Eventually.True(() => manager.Cleaner.FirstDirtyOffset(Compacted) == end, "the compacted log is cleaned");
        await manager.DisposeAsync();

        Assert.Equal(plainSize, plain.SizeInBytes);
        Assert.Null(manager.Cleaner.FirstDirtyOffset(Plain));
        var checkpoint = OffsetCheckpointFile.Read(dir.Combine("cleaner-offset-checkpoint"));
        Assert.Equal(end, checkpoint[Compacted]);

        await using var reopened = Open(dir, time);
        Assert.Equal(end, reopened.Cleaner.FirstDirtyOffset(Compacted));
        Assert.True(reopened.TryGetLog(Compacted, out var log));
        CleanerHarness.AssertEachKeyOnceBelow(CleanerHarness.ReadAll(log), end);
    }

    [Fact]
    public async Task Truncation_moves_the_cleaner_checkpoint_back_so_rewritten_offsets_are_cleaned_again()
    {
        using var dir = new TempDirectory("manager");
        await using var manager = Open(dir, new ManualTimeProvider());
        var log = manager.GetOrCreateLog(Compacted, CleanerHarness.Compacted());
        FillWithDuplicates(log, 6);
        Assert.NotNull(manager.Cleaner.TryCleanLog(log));
        var cleanedTo = manager.Cleaner.FirstDirtyOffset(Compacted)!.Value;

        log.TruncateTo(cleanedTo - 10);

        Assert.True(manager.Cleaner.FirstDirtyOffset(Compacted) <= cleanedTo - 10);
        Assert.True(OffsetCheckpointFile.Read(dir.Combine("cleaner-offset-checkpoint"))[Compacted] <= cleanedTo - 10);
    }

    [Fact]
    public async Task Deleting_a_log_forgets_its_cleaner_checkpoint()
    {
        using var dir = new TempDirectory("manager");
        await using var manager = Open(dir, new ManualTimeProvider());
        var log = manager.GetOrCreateLog(Compacted, CleanerHarness.Compacted());
        FillWithDuplicates(log, 4);
        Assert.NotNull(manager.Cleaner.TryCleanLog(log));

        Assert.True(manager.DeleteLog(Compacted));

        Assert.Null(manager.Cleaner.FirstDirtyOffset(Compacted));
        Assert.False(OffsetCheckpointFile.Read(dir.Combine("cleaner-offset-checkpoint")).ContainsKey(Compacted));
    }

    [Fact]
    public async Task Shutdown_stops_the_cleaner_before_the_logs_close()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        var manager = Open(dir, time);
        var log = manager.GetOrCreateLog(Compacted, CleanerHarness.Compacted());
        FillWithDuplicates(log, 30);
        manager.StartBackgroundTasks();

        await manager.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => manager.Cleaner.CleanOnce());
        Assert.DoesNotContain(Directory.GetFiles(dir.Combine(Compacted.ToString())), f => f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".swap", StringComparison.Ordinal));
        await using var reopened = Open(dir, time);
        Assert.True(reopened.HadCleanShutdown);
    }

    [Fact]
    public void A_cleaner_that_was_never_started_cleans_on_request_with_default_options()
    {
        using var dir = new TempDirectory("cleaner");
        var time = new ManualTimeProvider();
        using var log = PartitionLog.Open(dir.Combine("profiles-0"), Compacted, CleanerHarness.Compacted(), new LogOpenOptions(), NullLogger.Instance, time);
        FillWithDuplicates(log, 3);
        using var cleaner = new LogCleaner(dir.Path, () => [log], new CleanerOptions(), NullLoggerFactory.Instance, time);

        var stats = cleaner.TryCleanLog(log);

        Assert.NotNull(stats);
        Assert.True(stats.BytesWritten < stats.BytesRead);
        using var plain = PartitionLog.Open(dir.Combine("plain-0"), new TopicPartition("plain", 0), LogHarness.Small(), new LogOpenOptions(), NullLogger.Instance, time);
        FillWithDuplicates(plain, 3);
        Assert.Null(cleaner.TryCleanLog(plain)); // not compacted
    }
}
