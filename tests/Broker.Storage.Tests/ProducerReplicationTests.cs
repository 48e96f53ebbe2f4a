using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>A follower's copy of its leader's batches builds the same producer state, and refuses nothing.</summary>
public class ProducerReplicationTests
{
    [Fact]
    public void A_follower_copying_its_leader_has_the_same_producer_state_and_dedupes_as_leader()
    {
        using var leader = new LogHarness();
        using var follower = new LogHarness();
        leader.Log.SendOk(1, 0, sequence: 0);
        leader.Log.SendOk(2, 4, sequence: 0, count: 3);
        Assert.True(leader.Log.Append(TestBatches.Create(2), 0).Succeeded);
        var last = leader.Log.SendOk(1, 0, sequence: 2);
        leader.Log.SendOk(2, 5, sequence: 0);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, leader.Log.Send(1, 0, sequence: 9).Error);

        Replicate(leader.Log, follower.Log);

        Assert.Equal(leader.Log.ProducerStates.OrderBy(s => s.ProducerId), follower.Log.ProducerStates.OrderBy(s => s.ProducerId));

        // The follower becomes leader: a producer's retry of what the old leader acknowledged is a duplicate there too.
        var retry = follower.Log.Send(1, 0, sequence: 2);
        Assert.True(retry.IsDuplicate);
        Assert.Equal(last.FirstOffset, retry.FirstOffset);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, follower.Log.Send(2, 4, sequence: 3).Error);
        follower.Log.SendOk(1, 0, sequence: 4);
    }

    [Fact]
    public void Replicated_batches_are_never_refused_even_out_of_sequence_or_of_an_older_epoch()
    {
        using var h = new LogHarness();
        var batches = new[]
        {
            Producing.Batch(1, 3, 40, baseOffset: 0),  // unknown producer not at 0
            Producing.Batch(1, 3, 90, baseOffset: 2),  // a gap
            Producing.Batch(1, 2, 0, baseOffset: 4),   // an older epoch
            Producing.Batch(1, 2, 0, baseOffset: 6),   // the same sequence again
        };

        foreach (var batch in batches)
        {
            var result = h.Log.Append(batch, 0, AppendOrigin.Replication);
            Assert.True(result.Succeeded, result.ErrorMessage);
            Assert.False(result.IsDuplicate);
        }

        Assert.Equal(8, h.Log.LogEndOffset);
        var state = h.Log.StateOf(1);
        Assert.Equal((2, 1, 7L), (state.ProducerEpoch, state.LastSequence, state.LastOffset));
    }

    [Fact]
    public void State_from_a_replicated_batch_without_a_sequence_survives_a_clean_restart()
    {
        using var h = new LogHarness();
        Assert.True(h.Log.Append(Producing.Batch(1, 0, RecordBatchLayout.NoSequence, count: 1), 0, AppendOrigin.Replication).Succeeded);
        var before = h.Log.ProducerStates;

        h.ReopenClean();

        Assert.Equal(before, h.Log.ProducerStates);
        Assert.Single(h.Log.ProducerSnapshotOffsets);
    }

    private static void Replicate(PartitionLog leader, PartitionLog follower)
    {
        var offset = follower.LogEndOffset;
        while (offset < leader.LogEndOffset)
        {
            using var read = leader.Read(offset, 1 << 20, leader.LogEndOffset);
            var result = follower.Append(read.Records, leaderEpoch: 0, AppendOrigin.Replication);
            Assert.True(result.Succeeded, result.ErrorMessage);
            offset = BatchCursor.NextOffsetAfter(read.Records.Span);
        }

        follower.UpdateHighWatermark(follower.LogEndOffset);
    }
}
