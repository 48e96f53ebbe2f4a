using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Nemesis;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class FaultImpactTests
{
    private static readonly InjectedFault Kill = new(1, FaultKind.Kill, "kill -9 node 1", [1], 10, 10, 13, [], null);

    [Fact]
    public void The_unavailability_window_runs_from_the_last_ack_before_to_the_first_after()
    {
        long[] acks = [.. Seconds(8, 9, 9.9, 14.5, 14.6, 15)];

        var impact = FaultImpact.Measure(Kill, acks, [], 30);

        Assert.Equal(9.9, impact.LastAckBeforeSeconds!.Value, 3);
        Assert.Equal(14.5, impact.FirstAckAfterSeconds!.Value, 3);
        Assert.Equal(4.6, impact.UnavailableSeconds, 3);
    }

    [Fact]
    public void A_longer_stall_after_the_fault_healed_but_within_the_grace_counts()
    {
        long[] acks = [.. Seconds(9.9, 10.1, 13.5, 20.5, 21)];

        var impact = FaultImpact.Measure(Kill, acks, [], 30);

        Assert.Equal(13.5, impact.LastAckBeforeSeconds!.Value, 3);
        Assert.Equal(7.0, impact.UnavailableSeconds, 3);
    }

    [Fact]
    public void No_ack_after_the_fault_leaves_it_unavailable_to_the_end_and_lost_records_nearby_are_counted()
    {
        var impact = FaultImpact.Measure(Kill, [.. Seconds(5, 9)], [.. Seconds(9.5, 40)], 30);

        Assert.Null(impact.FirstAckAfterSeconds);
        Assert.Equal(21, impact.UnavailableSeconds, 3);
        Assert.Equal(1, impact.LostNearby);
    }

    private static IEnumerable<long> Seconds(params double[] seconds) => seconds.Select(s => (long)(s * 1e6));
}
