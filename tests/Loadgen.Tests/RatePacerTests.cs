using LogBroker.Loadgen.Timing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

/// <summary>The pacing arithmetic, driven by a fake clock (plain microsecond numbers).</summary>
public class RatePacerTests
{
    [Fact]
    public void Grants_one_record_at_once_then_refuses_until_its_interval_has_passed()
    {
        var pacer = RatePacer.ForRate(1000, nowMicros: 0);

        Assert.True(pacer.TryTake(0));
        Assert.False(pacer.TryTake(0));
        Assert.False(pacer.TryTake(999));
        Assert.Equal(1, pacer.MicrosUntilNext(999));
        Assert.True(pacer.TryTake(1000));
    }

    [Fact]
    public void Over_a_second_of_one_millisecond_steps_it_grants_the_rate()
    {
        var pacer = RatePacer.ForRate(20_000, nowMicros: 0);

        var taken = TakeAll(pacer, stepMicros: 1000, untilMicros: 1_000_000);

        Assert.Equal(20_001, taken); // the first record plus 20 per millisecond
    }

    [Theory]
    [InlineData(1_700)]
    [InlineData(25_000)]
    [InlineData(400_000)]
    public void Sleeps_that_overshoot_are_made_up_in_full(long stepMicros)
    {
        var pacer = RatePacer.ForRate(10_000, nowMicros: 0);

        var taken = TakeAll(pacer, stepMicros, untilMicros: 2_000_000);

        var due = 1 + (10_000 * (2_000_000 / stepMicros * stepMicros) / 1_000_000);
        Assert.Equal(due, taken);
    }

    [Fact]
    public void A_stall_longer_than_the_catch_up_is_written_off_beyond_it_and_the_rate_resumes()
    {
        var pacer = new RatePacer(1000, TimeSpan.FromSeconds(1), nowMicros: 0);
        Assert.True(pacer.TryTake(0));

        var afterStall = TakeAll(pacer, stepMicros: 5_000_000, untilMicros: 5_000_000);
        var nextSecond = TakeAll(pacer, stepMicros: 1000, untilMicros: 6_000_000, fromMicros: 5_001_000);

        Assert.Equal(1000, afterStall);
        Assert.Equal(1000, nextSecond);
    }

    [Fact]
    public void Never_grants_more_than_the_schedule_however_often_it_is_asked()
    {
        var pacer = RatePacer.ForRate(5000, nowMicros: 0);

        var taken = TakeAll(pacer, stepMicros: 1, untilMicros: 300_000);

        Assert.Equal(1 + 1500, taken);
    }

    [Fact]
    public void Fractional_rates_accumulate_across_calls()
    {
        var pacer = RatePacer.ForRate(2.5, nowMicros: 0);
        Assert.True(pacer.TryTake(0));

        Assert.False(pacer.TryTake(399_999));
        Assert.True(pacer.TryTake(400_000));
        Assert.Equal(400_000, pacer.MicrosUntilNext(400_000));
    }

    [Fact]
    public void A_clock_reading_from_the_past_grants_nothing()
    {
        var pacer = RatePacer.ForRate(1000, nowMicros: 5000);
        Assert.True(pacer.TryTake(5000));

        Assert.False(pacer.TryTake(4000));
        Assert.True(pacer.TryTake(6000));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Rejects_a_rate_that_is_not_positive(double rate)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => RatePacer.ForRate(rate, 0));
    }

    /// <summary>Takes every record granted at each step from <paramref name="fromMicros"/> to <paramref name="untilMicros"/>.</summary>
    private static long TakeAll(RatePacer pacer, long stepMicros, long untilMicros, long fromMicros = 0)
    {
        long taken = 0;
        for (var now = fromMicros; now <= untilMicros; now += stepMicros)
        {
            while (pacer.TryTake(now))
            {
                taken++;
            }
        }

        return taken;
    }
}
