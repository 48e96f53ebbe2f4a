using LogBroker.Faultlab.Workload;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class PartitionStreamTests
{
    private readonly ViolationLog _violations = new();
    private readonly List<(long Offset, RecordId Id)> _records = [];

    [Fact]
    public void Dense_batches_hand_on_every_record_and_break_no_promise()
    {
        using var stream = Stream();

        stream.Feed(TestBatches.Concat(Batches.Of(0, 0, Batches.Ids(0, 0, 3)), Batches.Of(3, 1, Batches.Ids(1, 0, 2))), OnRecord);

        Assert.Equal([0L, 1, 2, 3, 4], _records.Select(r => r.Offset));
        Assert.Equal(new RecordId(1, 1), _records[4].Id);
        Assert.Equal(5, stream.NextOffset);
        Assert.Equal(1, stream.LastEpoch);
        Assert.All(new[] { Violations.Corrupt, Violations.NotDense, Violations.EpochRegression, Violations.WentBack, Violations.Foreign }, k => Assert.Equal(0, _violations.Count(k)));
    }

    [Fact]
    public void A_first_batch_that_starts_before_the_fetch_offset_gives_only_the_records_from_it()
    {
        using var stream = Stream();
        stream.NextOffset = 2;

        stream.Feed(Batches.Of(0, 0, Batches.Ids(0, 0, 4)), OnRecord);

        Assert.Equal([2L, 3], _records.Select(r => r.Offset));
        Assert.Equal(0, _violations.Count(Violations.WentBack));
    }

    [Fact]
    public void A_gap_in_offsets_is_not_dense()
    {
        using var stream = Stream();

        stream.Feed(TestBatches.Concat(Batches.Of(0, 0, Batches.Ids(0, 0, 2)), Batches.Of(5, 0, Batches.Ids(0, 2, 2))), OnRecord);

        Assert.Equal(1, _violations.Count(Violations.NotDense));
        Assert.Equal(7, stream.NextOffset);
    }

    [Fact]
    public void A_lower_leader_epoch_after_a_higher_one_is_a_regression()
    {
        using var stream = Stream();

        stream.Feed(TestBatches.Concat(Batches.Of(0, 3, Batches.Ids(0, 0, 1)), Batches.Of(1, 2, Batches.Ids(0, 1, 1))), OnRecord);

        Assert.Equal(1, _violations.Count(Violations.EpochRegression));
    }

    [Fact]
    public void A_batch_wholly_below_the_offset_asked_for_went_back()
    {
        using var stream = Stream();
        stream.NextOffset = 10;

        stream.Feed(Batches.Of(4, 0, Batches.Ids(0, 0, 3)), OnRecord);

        Assert.Equal(1, _violations.Count(Violations.WentBack));
        Assert.Empty(_records);
    }

    [Fact]
    public void A_corrupt_batch_is_counted_and_stepped_over()
    {
        using var stream = Stream();
        var bad = Batches.Of(0, 0, Batches.Ids(0, 0, 2));
        bad[^1] ^= 0x5A;

        stream.Feed(TestBatches.Concat(bad, Batches.Of(2, 0, Batches.Ids(0, 2, 1))), OnRecord);

        Assert.Equal(1, _violations.Count(Violations.Corrupt));
        Assert.Equal([2L], _records.Select(r => r.Offset));
    }

    [Fact]
    public void A_value_faultlab_did_not_write_is_foreign()
    {
        using var stream = Stream();

        stream.Feed(TestBatches.FromPairs([("k", "someone else's")]), OnRecord);

        Assert.Equal(1, _violations.Count(Violations.Foreign));
        Assert.Equal(1, stream.NextOffset);
    }

    private PartitionStream Stream() => new("test", 0, _violations);

    private void OnRecord(long offset, RecordId id) => _records.Add((offset, id));
}
