using LogBroker.Loadgen.Timing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

/// <summary>The pacing arithmetic, driven by a fake clock (plain microsecond numbers).</summary>
public class TokenBucketTests
{
    [Fact]
    public void Starts_with_one_token_then_refuses_until_time_passes()
    {
        var bucket = new TokenBucket(ratePerSecond: 1000, burst: 10, nowMicros: 0);

        Assert.True(bucket.TryTake(0));
        Assert.False(bucket.TryTake(0));
        Assert.False(bucket.TryTake(999));
        Assert.True(bucket.TryTake(1000));
    }

    [Fact]
    public void Tokens_accrue_at_the_rate_and_stop_at_the_burst()
    {
        var bucket = new TokenBucket(ratePerSecond: 1000, burst: 10, nowMicros: 0);
        Assert.True(bucket.TryTake(0));

        var taken = 0;
        while (bucket.TryTake(1_000_000))
        {
            taken++;
        }

        Assert.Equal(10, taken);
    }

    [Fact]
    public void Over_a_second_of_one_millisecond_steps_it_grants_the_rate()
    {
        var bucket = TokenBucket.ForRate(20_000, nowMicros: 0);
        var taken = 0;
        for (long now = 0; now <= 1_000_000; now += 1000)
        {
            while (bucket.TryTake(now))
            {
                taken++;
            }
        }

        Assert.Equal(20_001, taken); // the starting token plus 20 per millisecond
    }

    [Fact]
    public void Sleeping_longer_than_a_step_is_made_up_from_the_burst_not_lost()
    {
        var bucket = TokenBucket.ForRate(10_000, nowMicros: 0); // burst 100: 10 ms worth
        var taken = 0;
        for (long now = 0; now <= 1_000_000; now += 1700) // a sleep that overshoots by 0.7 ms every time
        {
            while (bucket.TryTake(now))
            {
                taken++;
            }
        }

        Assert.InRange(taken, 9_990, 10_001);
    }

    [Fact]
    public void Fractional_rates_accumulate_across_calls()
    {
        var bucket = new TokenBucket(ratePerSecond: 2.5, burst: 1, nowMicros: 0);
        Assert.True(bucket.TryTake(0));

        Assert.False(bucket.TryTake(399_999));
        Assert.True(bucket.TryTake(400_000));
        Assert.Equal(400_000, bucket.MicrosUntilNextToken(400_000));
    }

    [Fact]
    public void A_clock_reading_from_the_past_adds_nothing()
    {
        var bucket = new TokenBucket(ratePerSecond: 1000, burst: 10, nowMicros: 5000);
        Assert.True(bucket.TryTake(5000));

        Assert.False(bucket.TryTake(4000));
        Assert.True(bucket.TryTake(6000));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(100, 0.5)]
    public void Rejects_a_rate_that_is_not_positive_or_a_burst_below_one(double rate, double burst)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new TokenBucket(rate, burst, 0));
    }
}
