using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>Tombstones outlive the values they delete by <c>delete.retention.ms</c> (1 hour in <see cref="CleanerHarness.Compacted"/>), then go.</summary>
public class CleanerTombstoneTests
{
    private static readonly string[] Deleted = ["d0", "d1", "d2", "d3", "d4"];

    [Fact]
    public void Tombstones_remove_older_values_and_vanish_once_delete_retention_has_passed_and_not_before()
    {
        using var c = new CleanerHarness();
        var random = new Random(11);
        c.Append(Deleted);
        c.FillSegments(sealedSegments: 3, keySpace: 20, random);
        c.AppendTombstones(Deleted);
        c.FillSegments(sealedSegments: 6, keySpace: 20, random);

        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));

        // The tombstones were dirty: they stay, and the values they delete are gone.
        var records = c.AssertConsistent();
        Assert.All(Deleted, key => Assert.Null(Assert.Single(records, r => r.Key == key).Value));

        // Cleaned again within delete.retention.ms: they are now in the cleaned part, but still young.
        c.H.Time.Advance(TimeSpan.FromMinutes(30));
        c.FillSegments(sealedSegments: c.Log.SegmentCount + 1, keySpace: 20, random);
        var second = c.Cleaner.TryCleanLog(c.Log);
        Assert.NotNull(second);
        Assert.Equal(0, second.TombstonesRemoved);
        records = c.AssertConsistent();
        Assert.Equal(Deleted.Length, records.Count(r => r.Value is null));

        // Well past delete.retention.ms from the newest record of the tombstones' segment (the second
        // cleaning may have merged it with the half-hour-newer one): the next cleaning removes them.
        c.H.Time.Advance(TimeSpan.FromHours(2));
        c.FillSegments(sealedSegments: c.Log.SegmentCount + 1, keySpace: 20, random);
        var third = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(third);
        Assert.Equal(Deleted.Length, third.TombstonesRemoved);
        records = c.AssertConsistent(tombstonesMayBeGone: true);
        Assert.DoesNotContain(records, r => Deleted.Contains(r.Key));
    }

    [Fact]
    public void An_old_tombstone_in_the_dirty_part_is_kept_until_a_later_cleaning()
    {
        using var c = new CleanerHarness();
        var random = new Random(12);
        c.Append(Deleted);
        c.AppendTombstones(Deleted);
        c.FillSegments(sealedSegments: 4, keySpace: 20, random);
        c.H.Time.Advance(TimeSpan.FromDays(1));

        var first = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(first);
        Assert.Equal(0, first.TombstonesRemoved); // old, but seen for the first time
        Assert.Equal(Deleted.Length, c.AssertConsistent().Count(r => r.Value is null));

        c.FillSegments(sealedSegments: c.Log.SegmentCount + 1, keySpace: 20, random);
        var second = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(second);
        Assert.Equal(Deleted.Length, second.TombstonesRemoved);
        Assert.DoesNotContain(c.AssertConsistent(tombstonesMayBeGone: true), r => r.Value is null);
    }

    [Fact]
    public void A_key_written_again_after_its_tombstone_keeps_its_new_value()
    {
        using var c = new CleanerHarness();
        var random = new Random(13);
        c.Append(Deleted);
        c.AppendTombstones(Deleted);
        c.FillSegments(sealedSegments: 3, keySpace: 20, random);
        c.Append(Deleted);
        c.FillSegments(sealedSegments: 6, keySpace: 20, random);
        c.H.Time.Advance(TimeSpan.FromDays(1));

        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        c.FillSegments(sealedSegments: c.Log.SegmentCount + 1, keySpace: 20, random);
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));

        var records = c.AssertConsistent();
        Assert.All(Deleted, key => Assert.NotNull(Assert.Single(records, r => r.Key == key).Value));
    }
}
