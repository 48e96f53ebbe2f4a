using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Log;
using LogBroker.Storage.Producers;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>How producers leave a log's state: retention deleting their last batch, and expiry after producer.id.expiration.ms.</summary>
public class ProducerStateLifetimeTests
{
    [Fact]
    public void Retention_forgets_producers_whose_newest_batch_it_deleted_and_their_snapshots()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 2 * 1024) with { RetentionBytes = 4 * 1024 });
        h.Log.SendOk(1, 0, sequence: 0, count: 10);
        for (var i = 0; i < 40; i++)
        {
            h.Log.SendOk(2, 0, sequence: i * 10, count: 10);
        }

        var deleted = h.Log.DeleteRetentionBreachedSegments();

        Assert.True(deleted > 0);
        Assert.Equal([2L], h.Log.ProducerStates.Select(s => s.ProducerId));
        Assert.All(h.Log.ProducerSnapshotOffsets, offset => Assert.True(offset >= h.Log.LogStartOffset));
        Assert.All(
            Directory.EnumerateFiles(h.Path, "*" + ProducerSnapshotFile.Extension),
            file => Assert.True(long.Parse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture) >= h.Log.LogStartOffset));
        Assert.Equal(ErrorCode.UnknownProducerId, h.Log.Send(1, 0, sequence: 10).Error);

        h.CrashAndReopen();

        Assert.Equal([2L], h.Log.ProducerStates.Select(s => s.ProducerId));
    }

    [Fact]
    public void Retention_keeps_producers_whose_newest_batch_is_still_in_the_log()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 2 * 1024) with { RetentionBytes = 4 * 1024 });
        h.Log.SendOk(1, 0, sequence: 0, count: 10);
        for (var i = 0; i < 40; i++)
        {
            h.Log.SendOk(2, 0, sequence: i * 10, count: 10);
        }

        h.Log.SendOk(1, 0, sequence: 10);

        Assert.True(h.Log.DeleteRetentionBreachedSegments() > 0);

        Assert.Equal([1L, 2L], h.Log.ProducerStates.Select(s => s.ProducerId).Order());
        h.Log.SendOk(1, 0, sequence: 12);
    }

    [Fact]
    public void Producers_idle_longer_than_the_expiration_are_forgotten()
    {
        using var h = new LogHarness();
        h.Log.Dispose();
        h.Reopen(new LogOpenOptions { CleanShutdown = true, ProducerIdExpiration = TimeSpan.FromHours(1) });
        h.Log.SendOk(1, 0, sequence: 0, timestamp: h.Time.NowMs);
        h.Time.Advance(TimeSpan.FromMinutes(50));
        h.Log.SendOk(2, 0, sequence: 0, timestamp: h.Time.NowMs);
        h.Time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(1, h.Log.RemoveExpiredProducers());

        Assert.Equal([2L], h.Log.ProducerStates.Select(s => s.ProducerId));
        Assert.Equal(ErrorCode.UnknownProducerId, h.Log.Send(1, 0, sequence: 2).Error);
        h.Log.SendOk(2, 0, sequence: 2);
    }

    [Fact]
    public void A_reopened_log_does_not_bring_back_expired_producers_from_its_snapshot()
    {
        using var h = new LogHarness();
        h.Log.SendOk(1, 0, sequence: 0, timestamp: h.Time.NowMs);
        h.Log.Dispose();
        h.Time.Advance(TimeSpan.FromDays(2));

        h.Reopen(new LogOpenOptions { CleanShutdown = true });

        Assert.Equal(0, h.Log.ProducerCount);
    }

    [Fact]
    public async Task The_log_managers_expiry_loop_forgets_idle_producers()
    {
        using var dir = new TempDirectory("producer-expiry");
        var time = new ManualTimeProvider();
        var partition = new TopicPartition("events", 0);
        await using var manager = LogManager.Open(
            new LogManagerOptions
            {
                DataDirectory = dir.Path,
                DefaultConfig = LogHarness.Small(),
                ProducerIdExpiration = TimeSpan.FromHours(1),
                ProducerIdExpirationCheckInterval = TimeSpan.FromMilliseconds(10),
                Cleaner = new CleanerOptions { Enabled = false },
            },
            _ => null,
            NullLoggerFactory.Instance,
            time);
        var log = manager.GetOrCreateLog(partition, LogHarness.Small());
        log.SendOk(1, 0, sequence: 0, timestamp: time.NowMs);
        manager.StartBackgroundTasks();
        Assert.Equal(1, log.ProducerCount);

        time.Advance(TimeSpan.FromHours(2));

        await Eventually.True(() => log.ProducerCount == 0, "the expiry loop to forget the idle producer");
    }
}
