using LogBroker.Protocol.Batches;
using LogBroker.Storage.Log;
using LogBroker.Storage.Producers;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>Compaction keeps what the producer state needs: each producer's newest batch, as an empty header if all its records go.</summary>
public class ProducerCleanerTests
{
    /// <summary>
    /// A compacted log where producer 1 wrote one batch and producer 2 two, whose records later plain
    /// batches all supersede, then filled with other keys until several segments are sealed.
    /// </summary>
    private static (CleanerHarness C, AppendResult P1, AppendResult P2First, AppendResult P2Last) Superseded()
    {
        var c = new CleanerHarness();
        var p1 = c.Log.SendOk(1, 0, sequence: 0);
        var p2First = c.Log.SendOk(2, 3, sequence: 0);
        var p2Last = c.Log.SendOk(2, 3, sequence: 2);
        c.Append(["p1.0.0+0", "p1.0.0+1", "p2.3.0+0", "p2.3.0+1", "p2.3.2+0", "p2.3.2+1"]);
        c.FillSegments(sealedSegments: 3, keySpace: 50, new Random(5));
        return (c, p1, p2First, p2Last);
    }

    [Fact]
    public void Cleaning_keeps_the_header_of_each_producers_newest_batch_when_all_its_records_are_superseded()
    {
        var (c, p1, p2First, p2Last) = Superseded();
        using var _ = c;

        var stats = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(stats);
        Assert.Equal(2, stats.EmptyBatchesRetained);
        var batches = c.Log.Batches();
        Assert.Contains((p1.FirstOffset, 1L, (short)0, 0, 0), batches);
        Assert.Contains((p2Last.FirstOffset, 2L, (short)3, 2, 0), batches);
        Assert.DoesNotContain(batches, b => b.BaseOffset == p2First.FirstOffset);
        using var read = c.Log.Read(p1.FirstOffset, 1 << 20);
        var empty = new RecordBatch(read.Records.Span);
        Assert.Equal(p1.LastOffset, empty.LastOffset);
        Assert.Equal(RecordBatchLayout.HeaderSize, empty.SizeInBytes);
        Assert.True(empty.IsCrcValid);
    }

    [Fact]
    public void Producer_state_rebuilt_from_a_cleaned_log_without_snapshots_still_dedupes_the_newest_batches()
    {
        var (c, p1, _, p2Last) = Superseded();
        using var __ = c;
        var before = c.Log.ProducerStates.OrderBy(s => s.ProducerId).ToList();
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        foreach (var file in Directory.EnumerateFiles(c.H.Path, "*" + ProducerSnapshotFile.Extension))
        {
            File.Delete(file);
        }

        c.H.CrashAndReopen();

        Assert.Equal(before, c.Log.ProducerStates.OrderBy(s => s.ProducerId));
        var retry1 = c.Log.Send(1, 0, sequence: 0);
        var retry2 = c.Log.Send(2, 3, sequence: 2);
        Assert.True(retry1.IsDuplicate);
        Assert.Equal((p1.FirstOffset, p1.LastOffset), (retry1.FirstOffset, retry1.LastOffset));
        Assert.True(retry2.IsDuplicate);
        Assert.Equal((p2Last.FirstOffset, p2Last.LastOffset), (retry2.FirstOffset, retry2.LastOffset));
        c.Log.SendOk(2, 3, sequence: 4);
    }

    [Fact]
    public void Producer_state_survives_cleaning_and_a_clean_restart()
    {
        var (c, p1, _, _) = Superseded();
        using var __ = c;
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        var before = c.Log.ProducerStates.OrderBy(s => s.ProducerId).ToList();

        c.H.ReopenClean();

        Assert.Equal(before, c.Log.ProducerStates.OrderBy(s => s.ProducerId));
        Assert.Equal(p1.FirstOffset, c.Log.Send(1, 0, sequence: 0).FirstOffset);
    }

    [Fact]
    public void An_empty_batch_of_a_producer_that_wrote_again_is_dropped_at_the_next_cleaning()
    {
        var (c, p1, _, _) = Superseded();
        using var _ = c;
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        var newer = c.Log.SendOk(1, 0, sequence: 2);
        c.Append(["p1.0.2+0", "p1.0.2+1"]);
        c.FillSegments(sealedSegments: c.Log.SegmentCount + 2, keySpace: 50, new Random(6));

        var stats = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(stats);
        var batches = c.Log.Batches();
        Assert.DoesNotContain(batches, b => b.BaseOffset == p1.FirstOffset);
        Assert.Contains(batches, b => b.BaseOffset == newer.FirstOffset && b.Records == 0);
    }
}
