using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using LogBroker.Storage.Producers;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>What <see cref="PartitionLog.Append"/> does with idempotent producers' batches: dedupe, refuse, accept.</summary>
public class ProducerAppendTests
{
    private const long Producer = 7;

    [Fact]
    public void A_retry_of_each_of_the_last_five_batches_returns_its_original_offsets_and_appends_nothing()
    {
        using var h = new LogHarness();
        var originals = new List<AppendResult>();
        for (var i = 0; i < 5; i++)
        {
            originals.Add(h.Log.SendOk(Producer, 0, sequence: i * 3, count: 3));
        }

        var end = h.Log.LogEndOffset;
        var size = h.Log.SizeInBytes;
        for (var i = 0; i < 5; i++)
        {
            var retry = h.Log.Send(Producer, 0, sequence: i * 3, count: 3);

            Assert.True(retry.Succeeded, retry.ErrorMessage);
            Assert.True(retry.IsDuplicate);
            Assert.Equal(originals[i].FirstOffset, retry.FirstOffset);
            Assert.Equal(originals[i].LastOffset, retry.LastOffset);
            Assert.Equal(0, retry.RecordCount);
        }

        Assert.Equal(end, h.Log.LogEndOffset);
        Assert.Equal(size, h.Log.SizeInBytes);
        Assert.Equal(15, h.ReadAll().Count);
        h.AssertNothingStoredTwice();
    }

    [Fact]
    public void A_retry_of_a_batch_older_than_the_last_five_is_out_of_order()
    {
        using var h = new LogHarness();
        for (var i = 0; i < 6; i++)
        {
            h.Log.SendOk(Producer, 0, sequence: i * 2);
        }

        var end = h.Log.LogEndOffset;

        var retry = h.Log.Send(Producer, 0, sequence: 0);

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, retry.Error);
        Assert.False(retry.IsDuplicate);
        Assert.Equal(end, h.Log.LogEndOffset);
    }

    [Fact]
    public void A_gap_in_the_sequence_is_out_of_order_and_the_next_sequence_is_still_expected()
    {
        using var h = new LogHarness();
        h.Log.SendOk(Producer, 0, sequence: 0, count: 3);

        var gap = h.Log.Send(Producer, 0, sequence: 4);

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.Contains("expected 3", gap.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3, h.Log.LogEndOffset);
        h.Log.SendOk(Producer, 0, sequence: 3);
    }

    [Fact]
    public void A_batch_of_an_older_epoch_is_fenced_with_invalid_producer_epoch()
    {
        using var h = new LogHarness();
        h.Log.SendOk(Producer, 3, sequence: 0);

        var stale = h.Log.Send(Producer, 2, sequence: 2);

        Assert.Equal(ErrorCode.InvalidProducerEpoch, stale.Error);
        Assert.Equal(3, h.Log.StateOf(Producer).ProducerEpoch);
    }

    [Fact]
    public void A_new_epoch_must_start_at_sequence_zero_and_then_fences_the_old_one()
    {
        using var h = new LogHarness();
        var old = h.Log.SendOk(Producer, 0, sequence: 0);
        h.Log.SendOk(Producer, 0, sequence: 2);

        var notAtZero = h.Log.Send(Producer, 1, sequence: 4);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, notAtZero.Error);

        h.Log.SendOk(Producer, 1, sequence: 0);
        Assert.Equal(new ProducerView(1, 1), View(h.Log));

        // The old epoch's batch is no longer a duplicate: its instance was fenced.
        var oldRetry = h.Log.Send(Producer, 0, sequence: 0);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, oldRetry.Error);
        Assert.Equal(0, old.FirstOffset);
        Assert.Equal(6, h.Log.LogEndOffset);
    }

    [Fact]
    public void An_unknown_producer_must_start_at_sequence_zero()
    {
        using var h = new LogHarness();

        var late = h.Log.Send(Producer, 0, sequence: 10);

        Assert.Equal(ErrorCode.UnknownProducerId, late.Error);
        Assert.Equal(0, h.Log.LogEndOffset);
        Assert.Equal(0, h.Log.ProducerCount);
        h.Log.SendOk(Producer, 0, sequence: 0);
        Assert.Equal(1, h.Log.ProducerCount);
    }

    [Fact]
    public void Batches_of_one_append_are_checked_in_order_against_the_earlier_ones()
    {
        using var h = new LogHarness();
        var both = h.Log.Append(TestBatches.Concat(Producing.Batch(Producer, 0, 0), Producing.Batch(Producer, 0, 2)), 0);

        Assert.True(both.Succeeded, both.ErrorMessage);
        Assert.Equal((0L, 3L), (both.FirstOffset, both.LastOffset));
        Assert.Equal(new ProducerView(0, 3), View(h.Log));
    }

    [Fact]
    public void An_append_with_one_refused_batch_appends_nothing_and_changes_no_state()
    {
        using var h = new LogHarness();
        h.Log.SendOk(Producer, 0, sequence: 0);
        const long Other = 8;

        var refused = h.Log.Append(
            TestBatches.Concat(
                Producing.Batch(Other, 0, 0),       // a new producer: fine on its own
                Producing.Batch(Producer, 0, 2),    // in order
                TestBatches.Create(2),              // not idempotent
                Producing.Batch(Producer, 0, 5)),   // a gap after the batch before it
            0);

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, refused.Error);
        Assert.Equal(2, h.Log.LogEndOffset);
        Assert.Equal(1, h.Log.ProducerCount);
        Assert.Equal(new ProducerView(0, 1), View(h.Log));
        Assert.Equal(ErrorCode.UnknownProducerId, h.Log.Send(Other, 0, sequence: 2).Error);
        h.Log.SendOk(Producer, 0, sequence: 2);
    }

    [Fact]
    public void A_retry_of_a_whole_multi_batch_append_is_one_duplicate()
    {
        using var h = new LogHarness();
        var batches = TestBatches.Concat(Producing.Batch(Producer, 0, 0, count: 3), Producing.Batch(Producer, 0, 3, count: 4));
        var original = h.Log.Append(batches, 0);
        h.Log.SendOk(Producer, 0, sequence: 7);

        var retry = h.Log.Append(batches, 0);

        Assert.True(retry.IsDuplicate);
        Assert.Equal((original.FirstOffset, original.LastOffset), (retry.FirstOffset, retry.LastOffset));
        Assert.Equal(9, h.Log.LogEndOffset);
    }

    [Fact]
    public void An_append_mixing_a_retry_with_new_batches_is_refused_whole()
    {
        using var h = new LogHarness();
        h.Log.SendOk(Producer, 0, sequence: 0);

        var mixed = h.Log.Append(TestBatches.Concat(Producing.Batch(Producer, 0, 0), Producing.Batch(Producer, 0, 2)), 0);
        var twice = h.Log.Append(TestBatches.Concat(Producing.Batch(Producer, 0, 2), Producing.Batch(Producer, 0, 2)), 0);

        Assert.Equal(ErrorCode.DuplicateSequenceNumber, mixed.Error);
        Assert.Equal(ErrorCode.DuplicateSequenceNumber, twice.Error);
        Assert.Equal(2, h.Log.LogEndOffset);
        Assert.Equal(new ProducerView(0, 1), View(h.Log));
    }

    [Fact]
    public void Sequences_wrap_from_int_max_value_to_zero()
    {
        using var h = new LogHarness();

        // A leader's batch brings the producer near the top of the sequence space (nothing is checked).
        Assert.True(h.Log.Append(Producing.Batch(Producer, 0, int.MaxValue - 4, count: 3), 0, AppendOrigin.Replication).Succeeded);
        Assert.Equal(int.MaxValue - 2, h.Log.StateOf(Producer).LastSequence);

        var wrapping = h.Log.SendOk(Producer, 0, sequence: int.MaxValue - 1, count: 3); // MaxValue - 1, MaxValue, 0
        Assert.Equal(0, h.Log.StateOf(Producer).LastSequence);
        var retry = h.Log.Send(Producer, 0, sequence: int.MaxValue - 1, count: 3);
        Assert.True(retry.IsDuplicate);
        Assert.Equal(wrapping.FirstOffset, retry.FirstOffset);

        h.Log.SendOk(Producer, 0, sequence: 1);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, h.Log.Send(Producer, 0, sequence: int.MaxValue).Error);
    }

    [Fact]
    public void Zero_follows_int_max_value()
    {
        using var h = new LogHarness();
        Assert.True(h.Log.Append(Producing.Batch(Producer, 0, int.MaxValue - 1, count: 2), 0, AppendOrigin.Replication).Succeeded);

        h.Log.SendOk(Producer, 0, sequence: 0);

        Assert.Equal(1, h.Log.StateOf(Producer).LastSequence);
    }

    [Fact]
    public void Batches_without_a_producer_id_are_never_checked()
    {
        using var h = new LogHarness();
        var batch = TestBatches.Create(3);

        for (var i = 0; i < 3; i++)
        {
            var result = h.Log.Append(batch, 0);
            Assert.True(result.Succeeded);
            Assert.False(result.IsDuplicate);
        }

        Assert.Equal(9, h.Log.LogEndOffset);
        Assert.Equal(0, h.Log.ProducerCount);
    }

    [Fact]
    public void A_producer_batch_with_a_negative_sequence_or_a_transactional_batch_without_a_producer_is_an_invalid_record()
    {
        using var h = new LogHarness();

        var negative = h.Log.Append(Producing.Batch(Producer, 0, -1), 0);
        var transactional = h.Log.Append(TestBatches.Idempotent(RecordBatchLayout.NoProducerId, RecordBatchLayout.NoProducerEpoch, RecordBatchLayout.NoSequence, transactional: true), 0);

        Assert.Equal(ErrorCode.InvalidRecord, negative.Error);
        Assert.Equal(ErrorCode.InvalidRecord, transactional.Error);
        Assert.Equal(0, h.Log.LogEndOffset);
    }

    [Fact]
    public void Producers_are_tracked_independently()
    {
        using var h = new LogHarness();
        var a = h.Log.SendOk(1, 0, sequence: 0);
        h.Log.SendOk(2, 5, sequence: 0);
        h.Log.SendOk(1, 0, sequence: 2);
        h.Log.SendOk(2, 5, sequence: 2);

        var retry = h.Log.Send(1, 0, sequence: 0);

        Assert.True(retry.IsDuplicate);
        Assert.Equal(a.FirstOffset, retry.FirstOffset);
        Assert.Equal(
            new ProducerState[] { new(1, 0, 3, 5, 1_700_000_000_001), new(2, 5, 3, 7, 1_700_000_000_001) },
            h.Log.ProducerStates.OrderBy(s => s.ProducerId));
    }

    [Fact]
    public void A_duplicate_on_a_log_append_time_topic_answers_with_the_original_append_time()
    {
        using var h = new LogHarness(LogHarness.Small() with { MessageTimestampType = TimestampType.LogAppendTime });
        var original = h.Log.SendOk(Producer, 0, sequence: 0);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var retry = h.Log.Send(Producer, 0, sequence: 0);

        Assert.True(retry.IsDuplicate);
        Assert.Equal(original.LogAppendTime, retry.LogAppendTime);
        Assert.Equal(h.Time.NowMs - 5000, retry.LogAppendTime);
    }

    private static ProducerView View(PartitionLog log)
    {
        var state = log.StateOf(Producer);
        return new ProducerView(state.ProducerEpoch, state.LastSequence);
    }

    private readonly record struct ProducerView(short Epoch, int LastSequence);
}
