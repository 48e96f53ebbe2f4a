using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Config;
using LogBroker.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

public class LogManagerTests
{
    private static LogManager Open(TempDirectory dir, ManualTimeProvider time) =>
        LogManager.Open(new LogManagerOptions { DataDirectory = dir.Path, DefaultConfig = LogHarness.Small() }, _ => null, NullLoggerFactory.Instance, time);

    private static void Fill(LogManager manager, int partitions, int batches)
    {
        for (var p = 0; p < partitions; p++)
        {
            var log = manager.GetOrCreateLog(new TopicPartition("orders", p), LogHarness.Small());
            for (var b = 0; b < batches; b++)
            {
                log.Append(TestBatches.Create(2, firstIndex: (int)log.LogEndOffset), 0);
                log.UpdateHighWatermark(log.LogEndOffset);
            }
        }
    }

    [Fact]
    public async Task Clean_shutdown_leaves_a_marker_and_checkpoints_and_the_next_start_skips_recovery()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        var manager = Open(dir, time);
        Fill(manager, partitions: 4, batches: 30);

        await manager.DisposeAsync();

        Assert.True(File.Exists(dir.Combine(LogManager.CleanShutdownFileName)));
        var recoveryPoints = OffsetCheckpointFile.Read(dir.Combine(LogManager.RecoveryPointCheckpointFileName));
        Assert.Equal(4, recoveryPoints.Count);
        Assert.All(recoveryPoints.Values, v => Assert.Equal(60, v));

        await using var reopened = Open(dir, time);
        Assert.True(reopened.HadCleanShutdown);
        Assert.False(File.Exists(dir.Combine(LogManager.CleanShutdownFileName)));
        Assert.Equal(4, reopened.Logs.Count);
        Assert.All(reopened.Logs, log =>
        {
            Assert.False(log.WasRecovered);
            Assert.Equal(60, log.LogEndOffset);
        });
    }

    [Fact]
    public async Task Without_the_marker_every_partition_is_recovered_in_parallel()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        var crashed = Open(dir, time);
        Fill(crashed, partitions: 8, batches: 20);

        // the process "dies": no DisposeAsync, no marker, no final checkpoint
        await using var reopened = Open(dir, time);

        Assert.False(reopened.HadCleanShutdown);
        Assert.Equal(8, reopened.Logs.Count);
        Assert.All(reopened.Logs, log =>
        {
            Assert.True(log.WasRecovered);
            Assert.Equal(40, log.LogEndOffset);
        });
    }

    [Fact]
    public async Task Deleting_a_log_removes_its_directory_and_it_stays_gone()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        var manager = Open(dir, time);
        Fill(manager, partitions: 2, batches: 5);
        var doomed = new TopicPartition("orders", 1);

        Assert.True(manager.DeleteLog(doomed));

        Assert.False(Directory.Exists(dir.Combine("orders-1")));
        Assert.False(manager.TryGetLog(doomed, out _));
        await manager.DisposeAsync();
        await using var reopened = Open(dir, time);
        Assert.Single(reopened.Logs);
    }

    [Fact]
    public async Task A_deletion_interrupted_by_a_stop_is_finished_at_the_next_start()
    {
        using var dir = new TempDirectory("manager");
        Directory.CreateDirectory(dir.Combine("orders-3.0123456789abcdef-delete"));
        File.WriteAllText(dir.Combine("orders-3.0123456789abcdef-delete", "00000000000000000000.log"), "x");

        await using var manager = Open(dir, new ManualTimeProvider());

        Assert.False(Directory.Exists(dir.Combine("orders-3.0123456789abcdef-delete")));
        Assert.Empty(manager.Logs);
    }

    [Fact]
    public async Task Retention_pass_covers_every_log_and_checkpoints_the_new_start_offsets()
    {
        using var dir = new TempDirectory("manager");
        var time = new ManualTimeProvider();
        await using var manager = Open(dir, time);
        var config = LogHarness.Small(segmentBytes: 2048) with { RetentionBytes = 4096 };
        for (var p = 0; p < 3; p++)
        {
            var log = manager.GetOrCreateLog(new TopicPartition("metrics", p), config);
            for (var b = 0; b < 40; b++)
            {
                log.Append(TestBatches.Create(2, valueSize: 60), 0);
                log.UpdateHighWatermark(log.LogEndOffset);
            }
        }

        var deleted = manager.ApplyRetention();

        Assert.True(deleted >= 3);
        var starts = OffsetCheckpointFile.Read(dir.Combine(LogManager.LogStartOffsetCheckpointFileName));
        Assert.All(Enumerable.Range(0, 3), p => Assert.True(starts[new TopicPartition("metrics", p)] > 0));
    }

    [Fact]
    public async Task Flush_passes_put_each_partition_in_a_logging_scope_built_once()
    {
        using var dir = new TempDirectory("manager");
        var scopes = new ScopeRecordingLoggerFactory();
        await using var manager = LogManager.Open(new LogManagerOptions { DataDirectory = dir.Path, DefaultConfig = LogHarness.Small() }, _ => null, scopes, new ManualTimeProvider());
        Fill(manager, partitions: 2, batches: 1);

        manager.FlushDueLogs();
        manager.FlushDueLogs();

        var states = scopes.States.ToArray();
        Assert.Equal(4, states.Length);
        var first = states.Where(s => s.ToString() == "Topic:orders Partition:1").ToArray();
        Assert.Equal(2, first.Length);
        Assert.Same(first[0], first[1]);
        var entries = Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object>>>(first[0]);
        Assert.Equal([KeyValuePair.Create("Topic", (object)"orders"), KeyValuePair.Create("Partition", (object)1)], entries);
    }

    [Fact]
    public async Task A_flush_pass_with_nothing_due_allocates_nothing_per_partition()
    {
        using var dir = new TempDirectory("manager");
        await using var manager = Open(dir, new ManualTimeProvider());
        Fill(manager, partitions: 50, batches: 1);
        manager.FlushDueLogs();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            manager.FlushDueLogs();
        }

        var perPass = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.True(perPass < 50 * 8, $"a pass over 50 partitions allocated {perPass} bytes");
    }

    /// <summary>Loggers that keep the state of every scope begun on them, and log nothing.</summary>
    private sealed class ScopeRecordingLoggerFactory : ILoggerFactory, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<object> States { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            States.Enqueue(state);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }
}
