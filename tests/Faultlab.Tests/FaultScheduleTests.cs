using FsCheck.Xunit;
using LogBroker.Faultlab.Nemesis;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class FaultScheduleTests
{
    private static readonly TimeSpan WindowStart = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WindowEnd = TimeSpan.FromSeconds(300);

    [Fact]
    public void The_same_seed_gives_the_same_schedule_and_another_seed_another()
    {
        var first = Plan(seed: 20261205, brokers: 5);
        var again = Plan(seed: 20261205, brokers: 5);
        var other = Plan(seed: 20261206, brokers: 5);

        Assert.NotEmpty(first);
        Assert.Equal(first.Select(f => f.ToString()), again.Select(f => f.ToString()));
        Assert.NotEqual(first.Select(f => f.ToString()), other.Select(f => f.ToString()));
    }

    [Property(MaxTest = 200)]
    public bool Faults_of_a_kind_never_overlap_nor_do_faults_on_one_broker_or_two_network_cuts(int seed, byte brokerChoice)
    {
        var brokers = 1 + (brokerChoice % 5);
        var plan = Plan(seed, brokers);
        return plan.All(a => plan.All(b => ReferenceEquals(a, b) || !FaultSchedule.Conflicts(a, b, allowOverlap: false)))
            && plan.All(a => plan.Where(b => b.Kind == a.Kind && !ReferenceEquals(a, b)).All(b => a.End + FaultSchedule.Settle <= b.Start || b.End + FaultSchedule.Settle <= a.Start));
    }

    [Property(MaxTest = 200)]
    public bool Every_fault_lies_inside_the_window_and_targets_brokers_that_exist(int seed, byte brokerChoice)
    {
        var brokers = 1 + (brokerChoice % 5);
        return Plan(seed, brokers).All(f =>
            f.Start >= WindowStart && f.End <= WindowEnd && f.Duration > TimeSpan.Zero
            && f.Nodes.Count > 0 && f.Nodes.All(n => n >= 1 && n <= brokers)
            && (f.Kind.IsNetwork() == (f.Partition is not null)));
    }

    [Fact]
    public void One_broker_gets_only_process_and_disk_faults()
    {
        var kinds = Plan(seed: 7, brokers: 1).Select(f => f.Kind).Distinct().ToList();

        Assert.DoesNotContain(kinds, k => k.IsNetwork());
        Assert.Contains(FaultKind.Kill, kinds);
    }

    [Fact]
    public void Allowing_overlap_lets_two_brokers_be_killed_at_once()
    {
        var overlapping = Enumerable.Range(0, 50)
            .Select(seed => FaultSchedule.Plan(seed, 3, [FaultKind.Kill], WindowStart, WindowEnd, allowOverlap: true))
            .Any(plan => plan.Any(a => plan.Any(b => a.Index < b.Index && a.Start < b.End && b.Start < a.End)));
        var apart = Enumerable.Range(0, 50)
            .Select(seed => FaultSchedule.Plan(seed, 3, [FaultKind.Kill], WindowStart, WindowEnd, allowOverlap: false))
            .All(plan => plan.All(a => plan.All(b => a.Index >= b.Index || a.End <= b.Start)));

        Assert.True(overlapping);
        Assert.True(apart);
    }

    [Fact]
    public void Network_cuts_name_their_sides()
    {
        var cuts = Enumerable.Range(0, 20).SelectMany(seed => FaultSchedule.Plan(seed, 3, [FaultKind.Bridge, FaultKind.Split, FaultKind.Isolate], WindowStart, WindowEnd, false)).ToList();

        Assert.Contains(cuts, f => f.Kind == FaultKind.Bridge && f.Partition!.BlockedPairs.Count == 1);
        Assert.All(cuts.Where(f => f.Kind == FaultKind.Split), f => Assert.Equal(2, f.Partition!.BlockedPairs.Count));
        Assert.All(cuts.Where(f => f.Kind == FaultKind.Isolate), f => Assert.Equal(2, f.Partition!.BlockedPairs.Count));
    }

    private static IReadOnlyList<PlannedFault> Plan(int seed, int brokers) =>
        FaultSchedule.Plan(seed, brokers, FaultKinds.All, WindowStart, WindowEnd, allowOverlap: false);
}
