using LogBroker.Storage.Log;
using Xunit;

namespace LogBroker.Storage.Tests;

public class TruncationTests
{
    [Fact]
    public void Truncate_within_the_active_segment_removes_whole_batches_and_appends_continue()
    {
        using var h = new LogHarness();
        for (var i = 0; i < 5; i++)
        {
            h.Append(4);
        }

        var end = h.Log.TruncateTo(12);

        Assert.Equal(12, end);
        h.AssertHoldsExactly(0, 12);
        h.Append(4);
        h.AssertHoldsExactly(0, 16);
    }

    [Fact]
    public void Truncate_mid_batch_removes_the_batch_holding_the_offset()
    {
        using var h = new LogHarness();
        h.Append(4);
        h.Append(4);

        Assert.Equal(4, h.Log.TruncateTo(6));
        h.AssertHoldsExactly(0, 4);
    }

    [Fact]
    public void Truncate_into_a_sealed_segment_reactivates_it_and_drops_later_ones()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024));
        for (var i = 0; i < 60; i++)
        {
            h.Append(3, valueSize: 60);
        }

        var second = h.Log.Segments[1];
        var cut = second.BaseOffset + 6;

        Assert.Equal(cut, h.Log.TruncateTo(cut));

        Assert.Equal(2, h.Log.SegmentCount);
        Assert.True(h.Log.Segments[1].IsActive);
        h.AssertHoldsExactly(0, cut);
        for (var i = 0; i < 40; i++)
        {
            h.Append(3, valueSize: 60);
        }

        h.AssertHoldsExactly(0, cut + 120);
    }

    [Fact]
    public void Truncated_data_does_not_come_back_after_a_crash()
    {
        using var h = new LogHarness();
        for (var i = 0; i < 5; i++)
        {
            h.Append(4);
        }

        h.Log.TruncateTo(8);
        h.Append(2);

        h.CrashAndReopen();

        h.AssertHoldsExactly(0, 10);
    }

    [Fact]
    public void Truncate_below_the_first_segment_starts_the_log_again_empty()
    {
        using var h = new LogHarness();
        h.Append(4);

        h.Log.TruncateFullyAndStartAt(100);

        Assert.Equal(100, h.Log.LogStartOffset);
        Assert.Equal(100, h.Log.LogEndOffset);
        var result = h.Log.Append(Testing.TestBatches.Create(2, firstIndex: 100), 0);
        Assert.Equal(100, result.FirstOffset);
    }

    [Fact]
    public void Leader_epochs_are_recorded_at_their_first_offset_and_truncated_with_the_log()
    {
        using var h = new LogHarness();
        h.Log.Append(Testing.TestBatches.Create(3), leaderEpoch: 1);
        h.Log.Append(Testing.TestBatches.Create(3), leaderEpoch: 1);
        h.Log.Append(Testing.TestBatches.Create(3), leaderEpoch: 4);

        Assert.Equal([new LeaderEpochCache.EpochEntry(1, 0), new LeaderEpochCache.EpochEntry(4, 6)], h.Log.LeaderEpochs.Entries);
        Assert.Equal((1, 6L), h.Log.LeaderEpochs.EndOffsetFor(3, h.Log.LogEndOffset));
        Assert.Equal((4, 9L), h.Log.LeaderEpochs.EndOffsetFor(4, h.Log.LogEndOffset));

        h.Log.TruncateTo(5);

        Assert.Equal([new LeaderEpochCache.EpochEntry(1, 0)], h.Log.LeaderEpochs.Entries);
        h.ReopenClean();
        Assert.Equal([new LeaderEpochCache.EpochEntry(1, 0)], h.Log.LeaderEpochs.Entries);
    }

    [Fact]
    public void Replicated_batches_keep_their_offsets_and_epochs()
    {
        using var leader = new LogHarness();
        leader.Log.Append(Testing.TestBatches.Create(3), leaderEpoch: 2);
        leader.Log.Append(Testing.TestBatches.Create(3), leaderEpoch: 5);
        leader.Log.UpdateHighWatermark(6);
        using var follower = new LogHarness();

        using (var read = leader.Log.Read(0, 1 << 20))
        {
            var result = follower.Log.Append(read.Records, leaderEpoch: -1, AppendOrigin.Replication);
            Assert.True(result.Succeeded, result.ErrorMessage);
        }

        Assert.Equal(6, follower.Log.LogEndOffset);
        Assert.Equal(leader.Log.LeaderEpochs.Entries, follower.Log.LeaderEpochs.Entries);
    }
}
