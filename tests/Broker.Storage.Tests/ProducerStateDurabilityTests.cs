using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using LogBroker.Storage.Producers;
using LogBroker.Storage.Segments;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>Producer state across restarts: snapshots at rolls and clean close, replay after a crash, damaged snapshots.</summary>
public class ProducerStateDurabilityTests
{
    private const long Producer = 7;

    /// <summary>A log of 2 KiB segments holding <paramref name="batches"/> batches of 10 records from <see cref="Producer"/>, and 2 other producers.</summary>
    private static (LogHarness H, List<AppendResult> Sent) Filled(int batches = 30)
    {
        var h = new LogHarness(LogHarness.Small(segmentBytes: 2 * 1024));
        var sent = new List<AppendResult>();
        h.Log.SendOk(1, 0, sequence: 0);
        for (var i = 0; i < batches; i++)
        {
            sent.Add(h.Log.SendOk(Producer, 2, sequence: i * 10, count: 10));
        }

        h.Log.SendOk(2, 0, sequence: 0);
        return (h, sent);
    }

    private static List<ProducerState> States(PartitionLog log) => [.. log.ProducerStates.OrderBy(s => s.ProducerId)];

    /// <summary>Retries of the producer's last five batches are duplicates with their offsets; the one before is out of order; the next is accepted.</summary>
    private static void AssertDedupesLastFive(PartitionLog log, List<AppendResult> sent)
    {
        var n = sent.Count;
        for (var i = n - 5; i < n; i++)
        {
            var retry = log.Send(Producer, 2, sequence: i * 10, count: 10);
            Assert.True(retry.IsDuplicate, $"batch {i}: {retry.Error} {retry.ErrorMessage}");
            Assert.Equal(sent[i].FirstOffset, retry.FirstOffset);
            Assert.Equal(sent[i].LastOffset, retry.LastOffset);
        }

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, log.Send(Producer, 2, sequence: (n - 6) * 10, count: 10).Error);
        log.SendOk(Producer, 2, sequence: n * 10);
    }

    [Fact]
    public void A_clean_close_writes_a_snapshot_at_the_log_end_and_the_reopened_log_dedupes_from_it()
    {
        var (h, sent) = Filled();
        using var _ = h;
        var before = States(h.Log);
        var end = h.Log.LogEndOffset;

        h.ReopenClean();

        Assert.True(File.Exists(ProducerSnapshotFile.PathOf(h.Path, end)));
        Assert.Equal(before, States(h.Log));
        AssertDedupesLastFive(h.Log, sent);
    }

    [Fact]
    public void After_a_crash_the_state_is_rebuilt_from_the_latest_snapshot_and_the_batches_after_it()
    {
        var (h, sent) = Filled();
        using var _ = h;
        var before = States(h.Log);
        Assert.True(h.Log.SegmentCount >= 4);
        Assert.Contains(h.Log.Segments[^1].BaseOffset, h.Log.ProducerSnapshotOffsets);

        h.CrashAndReopen();

        Assert.True(h.Log.WasRecovered);
        Assert.Equal(before, States(h.Log));
        AssertDedupesLastFive(h.Log, sent);
    }

    [Fact]
    public void A_crash_replays_from_a_snapshot_an_earlier_clean_close_left_inside_the_active_segment()
    {
        var (h, sent) = Filled();
        using var _ = h;
        h.Log.Dispose();
        var closedAt = h.Log.LogEndOffset;
        h.Reopen(new LogOpenOptions { CleanShutdown = true }, LogHarness.Small(segmentBytes: 64 * 1024)); // room: no roll after this
        var sentBefore = sent.Count;
        for (var i = sentBefore; i < sentBefore + 3; i++)
        {
            sent.Add(h.Log.SendOk(Producer, 2, sequence: i * 10, count: 10));
        }

        Assert.Contains(closedAt, h.Log.ProducerSnapshotOffsets);
        Assert.True(closedAt > h.Log.Segments[^1].BaseOffset);
        var before = States(h.Log);

        h.CrashAndReopen();

        Assert.Equal(before, States(h.Log));
        AssertDedupesLastFive(h.Log, sent);
    }

    [Fact]
    public void A_crash_that_tears_the_last_batch_rebuilds_the_state_without_it()
    {
        var (h, sent) = Filled();
        using var _ = h;
        h.Log.SendOk(Producer, 2, sequence: 300, count: 10);
        var torn = h.Log.LogEndOffset - 10;
        var active = h.Log.Segments[^1];
        using (var file = new FileStream(h.SegmentFile(active.BaseOffset, SegmentFiles.LogExtension), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            file.SetLength(active.SizeInBytes - 20);
        }

        h.CrashAndReopen();

        Assert.Equal(torn, h.Log.LogEndOffset);
        Assert.Equal(299, h.Log.StateOf(Producer).LastSequence);
        Assert.Equal(sent[^1].LastOffset, h.Log.StateOf(Producer).LastOffset);

        // The lost batch is not a duplicate: the retry stores it, at the same offset.
        var retry = h.Log.SendOk(Producer, 2, sequence: 300, count: 10);
        Assert.Equal(torn, retry.FirstOffset);
    }

    [Fact]
    public void The_snapshot_written_at_a_roll_holds_the_state_as_of_the_new_segment_base()
    {
        var (h, _) = Filled();
        using var __ = h;
        var segmentBase = h.Log.Segments[^1].BaseOffset;
        var before = h.Log.Batches().Where(b => b.ProducerId == Producer && b.BaseOffset < segmentBase).ToList();

        var snapshot = new Dictionary<long, ProducerStateEntry>();
        ProducerSnapshotFile.Read(h.Path, segmentBase, snapshot);

        var entry = snapshot[Producer];
        Assert.Equal(Math.Min(5, before.Count), entry.BatchCount);
        Assert.Equal(before[^1].BaseSequence + 9, entry.LastSequence);
        Assert.Equal(before[^1].BaseOffset + 9, entry.LastOffset);
        Assert.Equal(before[^5].BaseOffset, entry.BatchAt(0).FirstOffset);
        Assert.Equal(2, entry.ProducerEpoch);
        Assert.True(snapshot.ContainsKey(1));
        Assert.False(snapshot.ContainsKey(2)); // it wrote after the roll
    }

    [Theory]
    [InlineData("flipped byte")]
    [InlineData("cut short")]
    [InlineData("empty")]
    [InlineData("unknown version")]
    [InlineData("renamed")]
    public void A_damaged_snapshot_is_deleted_and_the_state_rebuilt_without_it(string damage)
    {
        var (h, sent) = Filled();
        using var _ = h;
        var before = States(h.Log);
        h.Log.Dispose();
        var latest = ProducerSnapshotFile.PathOf(h.Path, h.Log.LogEndOffset);
        var bytes = File.ReadAllBytes(latest);
        switch (damage)
        {
            case "flipped byte":
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(latest, bytes);
                break;
            case "cut short":
                File.WriteAllBytes(latest, bytes[..(bytes.Length - 7)]);
                break;
            case "empty":
                File.WriteAllBytes(latest, []);
                break;
            case "unknown version":
                bytes[1] = 9;
                File.WriteAllBytes(latest, bytes);
                break;
            case "renamed":
                // A valid snapshot of another offset under this name.
                File.Copy(ProducerSnapshotFile.PathOf(h.Path, h.Log.Segments[^1].BaseOffset), latest, overwrite: true);
                break;
        }

        h.Reopen(new LogOpenOptions { CleanShutdown = true });

        Assert.False(File.Exists(latest));
        Assert.Equal(before, States(h.Log));
        AssertDedupesLastFive(h.Log, sent);
    }

    [Fact]
    public void With_every_snapshot_damaged_the_state_is_rebuilt_from_the_log_start()
    {
        var (h, sent) = Filled();
        using var _ = h;
        var before = States(h.Log);
        h.Log.Dispose();
        foreach (var file in Directory.EnumerateFiles(h.Path, "*" + ProducerSnapshotFile.Extension))
        {
            File.WriteAllBytes(file, [1, 2, 3]);
        }

        h.Reopen(new LogOpenOptions { CleanShutdown = true });

        Assert.Empty(Directory.EnumerateFiles(h.Path, "*" + ProducerSnapshotFile.Extension));
        Assert.Equal(before, States(h.Log));
        AssertDedupesLastFive(h.Log, sent);
    }

    [Fact]
    public void Only_the_snapshots_of_the_last_two_segments_are_kept()
    {
        var (h, _) = Filled(batches: 60);
        using var __ = h;

        var segments = h.Log.Segments;
        Assert.True(segments.Count > 5);
        Assert.Equal([segments[^2].BaseOffset, segments[^1].BaseOffset], h.Log.ProducerSnapshotOffsets);
        Assert.Equal(2, Directory.EnumerateFiles(h.Path, "*" + ProducerSnapshotFile.Extension).Count());
    }

    [Fact]
    public void Truncation_rebuilds_the_state_as_of_the_new_log_end()
    {
        var (h, sent) = Filled();
        using var _ = h;
        var cut = sent[20].FirstOffset; // in a sealed segment
        Assert.True(cut < h.Log.Segments[^1].BaseOffset);
        var doomed = h.Log.ProducerSnapshotOffsets.Where(o => o > cut).ToList();
        Assert.NotEmpty(doomed);

        Assert.Equal(cut, h.Log.TruncateTo(cut));

        Assert.Equal(199, h.Log.StateOf(Producer).LastSequence);
        Assert.Equal(sent[19].LastOffset, h.Log.StateOf(Producer).LastOffset);
        Assert.DoesNotContain(h.Log.ProducerStates, s => s.ProducerId == 2); // it wrote after the cut
        Assert.All(doomed, offset => Assert.False(File.Exists(ProducerSnapshotFile.PathOf(h.Path, offset))));
        Assert.True(h.Log.Send(Producer, 2, sequence: 190, count: 10).IsDuplicate);
        Assert.Equal(cut, h.Log.SendOk(Producer, 2, sequence: 200, count: 10).FirstOffset);

        h.CrashAndReopen();

        Assert.Equal(209, h.Log.StateOf(Producer).LastSequence);
        Assert.True(h.Log.Send(Producer, 2, sequence: 200, count: 10).IsDuplicate);
    }

    [Fact]
    public void Truncating_fully_forgets_every_producer_and_snapshot()
    {
        var (h, _) = Filled();
        using var __ = h;

        h.Log.TruncateFullyAndStartAt(5000);

        Assert.Equal(0, h.Log.ProducerCount);
        Assert.Empty(h.Log.ProducerSnapshotOffsets);
        Assert.Empty(Directory.EnumerateFiles(h.Path, "*" + ProducerSnapshotFile.Extension));
        Assert.Equal(ErrorCode.UnknownProducerId, h.Log.Send(Producer, 2, sequence: 300).Error);

        h.CrashAndReopen();

        Assert.Equal(0, h.Log.ProducerCount);
    }
}
