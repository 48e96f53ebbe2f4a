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
}
