using Xunit;

namespace LogBroker.Storage.Tests;

public class FlushTests
{
    [Fact]
    public void Flush_messages_fsyncs_once_that_many_records_are_unflushed()
    {
        using var h = new LogHarness(LogHarness.Small() with { FlushMessages = 10 });

        h.Append(4);
        h.Append(4);
        Assert.Equal(0, h.Log.RecoveryPoint);

        h.Append(4);

        Assert.Equal(12, h.Log.RecoveryPoint);
    }

    [Fact]
    public void Flush_ms_flushes_data_older_than_the_interval()
    {
        using var h = new LogHarness(LogHarness.Small() with { FlushMs = 1000 });
        h.Append(5);

        Assert.False(h.Log.FlushIfDue());
        h.Time.Advance(TimeSpan.FromMilliseconds(1001));

        Assert.True(h.Log.FlushIfDue());
        Assert.Equal(5, h.Log.RecoveryPoint);
        Assert.False(h.Log.FlushIfDue()); // nothing new
    }

    [Fact]
    public void Without_a_flush_policy_data_waits_for_an_explicit_flush()
    {
        using var h = new LogHarness();
        h.Append(5);
        h.Time.Advance(TimeSpan.FromDays(1));

        Assert.False(h.Log.FlushIfDue());
        Assert.Equal(0, h.Log.RecoveryPoint);

        h.Log.Flush();
        Assert.Equal(5, h.Log.RecoveryPoint);
    }

    [Fact]
    public void A_truncation_during_a_flush_never_leaves_the_recovery_point_above_the_log_end()
    {
        using var h = new LogHarness();
        h.Append(5);
        h.Append(5);
        h.Log.FlushSynced = () =>
        {
            h.Log.FlushSynced = null;
            h.Log.TruncateTo(5);
        };

        h.Log.Flush();

        Assert.Equal(5, h.Log.LogEndOffset);
        Assert.True(h.Log.RecoveryPoint <= h.Log.LogEndOffset, $"recovery point {h.Log.RecoveryPoint} is above the log end {h.Log.LogEndOffset}");
    }

    [Fact]
    public void Offsets_appended_again_after_a_truncation_during_a_flush_are_not_counted_as_flushed()
    {
        using var h = new LogHarness();
        h.Append(4);
        h.Append(6);
        h.Log.FlushSynced = () =>
        {
            h.Log.FlushSynced = null;
            h.Log.TruncateTo(4);
            h.Append(10); // offsets 4..13: written after the fsyncs, so not durable yet
        };

        h.Log.Flush();

        Assert.Equal(14, h.Log.LogEndOffset);
        Assert.True(h.Log.RecoveryPoint <= 4, $"recovery point {h.Log.RecoveryPoint} covers offsets appended after the fsync");
        h.Log.Flush();
        Assert.Equal(14, h.Log.RecoveryPoint);
    }
}
