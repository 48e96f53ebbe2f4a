using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Workload;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class LogCheckerTests
{
    [Fact]
    public void A_clean_campaign_breaks_no_promise()
    {
        var scenario = new CheckerScenario();
        for (var i = 0; i < 10; i++)
        {
            scenario.Append(i % 2);
        }

        scenario.Committed[0] = 10;

        Assert.All(scenario.Check(), c => Assert.Equal(0, c.Count));
    }

    [Fact]
    public void An_acknowledged_record_missing_or_replaced_at_its_offset_is_lost()
    {
        var scenario = new CheckerScenario();
        var first = scenario.Append(0);
        scenario.Append(0);
        scenario.Log[0] = new RecordId(1, 99);
        scenario.Acknowledge(new RecordId(0, 7), offset: 40);

        var lost = Outcome(scenario.Check(), "lost");

        Assert.Equal(2, lost.Count);
        Assert.True(lost.Failed);
        Assert.Contains(lost.Examples, e => e.Contains($"{first} (all)", StringComparison.Ordinal) && e.Contains("it holds p1s99", StringComparison.Ordinal));
        Assert.Contains(lost.Examples, e => e.Contains("the log ends at 2", StringComparison.Ordinal));
    }

    [Fact]
    public void With_one_broker_a_lost_acks_leader_record_fails_and_in_a_cluster_it_is_measured()
    {
        var single = new CheckerScenario(singleNode: true);
        single.Acknowledge(new RecordId(1, 0), offset: 0);
        var cluster = new CheckerScenario(singleNode: false);
        cluster.Acknowledge(new RecordId(1, 0), offset: 0);

        var singleChecks = single.Check();
        var clusterChecks = cluster.Check();

        Assert.Equal(1, Outcome(singleChecks, "lost").Count);
        Assert.Equal(0, Outcome(singleChecks, "leader-loss").Count);
        Assert.Equal(0, Outcome(clusterChecks, "lost").Count);
        Assert.Equal(1, Outcome(clusterChecks, "leader-loss").Count);
        Assert.False(Outcome(clusterChecks, "leader-loss").Failed);
    }

    [Fact]
    public void A_record_stored_twice_fails_only_for_an_idempotent_producer()
    {
        foreach (var idempotent in new[] { false, true })
        {
            var scenario = new CheckerScenario(idempotent: idempotent);
            var id = scenario.Append(0, acked: false);
            scenario.Log.Add(id);
            scenario.Acknowledge(id, offset: 1);
            scenario.GroupSeen.Observe(0, 1, id);

            var checks = scenario.Check();

            Assert.Equal(idempotent ? 1 : 0, Outcome(checks, "duplicated").Count);
            Assert.Equal(idempotent ? 0 : 1, Outcome(checks, "dup-not-idempotent").Count);
            Assert.Equal(idempotent, checks.Any(c => c.Failed));
        }
    }

    [Fact]
    public void A_record_a_reader_saw_that_the_final_log_does_not_hold_is_a_dirty_read()
    {
        var scenario = new CheckerScenario();
        scenario.Append(0);
        scenario.TailSeen.Observe(0, 0, scenario.Log[0]!.Value);
        scenario.TailSeen.Observe(0, 1, new RecordId(0, 1));
        scenario.GroupSeen.Observe(0, 0, new RecordId(1, 5));

        var dirty = Outcome(scenario.Check(), "dirty-reads");

        Assert.Equal(2, dirty.Count);
        Assert.Contains(dirty.Examples, e => e.Contains("no such offset", StringComparison.Ordinal));
    }

    [Fact]
    public void An_acknowledged_record_no_group_member_was_handed_is_missed()
    {
        var scenario = new CheckerScenario();
        scenario.Append(0);
        var unseen = new RecordId(0, 1);
        scenario.Log.Add(unseen);
        scenario.Acknowledge(unseen, offset: 1);

        var missed = Outcome(scenario.Check(), "group-missed");

        Assert.Equal(1, missed.Count);
        Assert.Contains(unseen.ToString(), missed.Examples[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_group_nothing_counts_as_missed_by_it()
    {
        var scenario = new CheckerScenario();
        var unseen = new RecordId(0, 0);
        scenario.Log.Add(unseen);
        scenario.Acknowledge(unseen, offset: 0);

        var missed = LogChecker.Check(scenario.Inputs() with { GroupMembers = 0 }).Single(c => c.Name == "group-missed");

        Assert.Equal(0, missed.Count);
        Assert.Contains("not checked", missed.Meaning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_committed_offset_past_the_end_of_the_log_is_bad()
    {
        var scenario = new CheckerScenario();
        scenario.Append(0);
        scenario.Committed[0] = 2;

        Assert.Equal(1, Outcome(scenario.Check(), "bad-commits").Count);
    }

    [Fact]
    public void Violations_seen_by_readers_diverged_replicas_crashes_and_unhealed_faults_fail()
    {
        var scenario = new CheckerScenario();
        scenario.Violations.Add(Violations.Corrupt, "a bad batch");
        scenario.Violations.Add(Violations.Foreign, "a stranger's value");
        scenario.Violations.Add(Violations.EpochRegression, "epoch 1 after 2");
        scenario.Violations.Add(Violations.Truncated, "read, then cut");
        scenario.Replicas.Add(new ReplicaComparison.Result(0, 2, 10, "differs"));
        scenario.Crashes.Add(new BrokerCrash(1, 12.5, 135));
        scenario.Faults.Add(new InjectedFault(1, FaultKind.Kill, "kill -9 node 1", [1], 10, 10, 20, [], "node 1 was not ready within 90 s"));

        var checks = scenario.Check();

        Assert.Equal(2, Outcome(checks, "corrupt").Count);
        Assert.Equal(1, Outcome(checks, "epoch-regressions").Count);
        Assert.Equal(1, Outcome(checks, "dirty-reads").Count);
        Assert.Equal(1, Outcome(checks, "diverged").Count);
        Assert.Equal(1, Outcome(checks, "crashed").Count);
        Assert.Equal(1, Outcome(checks, "unrecovered").Count);
        Assert.All(checks.Where(c => c.Count > 0), c => Assert.True(c.Failed, c.Name));
    }

    private static CheckOutcome Outcome(IReadOnlyList<CheckOutcome> checks, string name) => checks.Single(c => c.Name == name);
}
