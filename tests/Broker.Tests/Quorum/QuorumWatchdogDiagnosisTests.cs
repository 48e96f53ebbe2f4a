using LogBroker.Broker.Cluster.Quorum;
using Xunit;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>The watchdog's judgement of one member, fed progress readings at chosen times (no engine, no clock).</summary>
public sealed class QuorumWatchdogDiagnosisTests
{
    private const long Stall = 15_000;

    private static readonly QuorumOptions Options = new()
    {
        NodeId = 1,
        Voters = QuorumVoter.ParseList("1@127.0.0.1:1,2@127.0.0.1:2,3@127.0.0.1:3"),
        DataDirectory = "unused",
        StallTimeout = TimeSpan.FromMilliseconds(Stall),
    };

    private readonly QuorumWatchdog _watchdog = new(Options, new MetadataApplier(new ListStateMachine()), _ => Task.CompletedTask);

    private static MemberProgress Follower(long applied, long committed, long contactTicks = 0, long incarnation = 1) =>
        new(incarnation, applied, committed, LeaderId: 2, IsLeader: false, contactTicks, LogFault: null);

    [Fact]
    public void A_member_that_applies_and_hears_its_leader_is_healthy()
    {
        for (long t = 0; t < 10 * Stall; t += 1000)
        {
            Assert.Null(_watchdog.Diagnose(Follower(t / 1000, t / 1000, contactTicks: t), t));
        }
    }

    [Fact]
    public void Committed_entries_left_unapplied_for_a_stall_timeout_need_a_rebuild()
    {
        Assert.Null(_watchdog.Diagnose(Follower(5, 9, contactTicks: 0), 0));
        Assert.Null(_watchdog.Diagnose(Follower(5, 9, contactTicks: Stall), Stall));

        var reason = _watchdog.Diagnose(Follower(5, 9, contactTicks: Stall + 1), Stall + 1);

        Assert.Contains("6..9 are committed but not applied", reason);
    }

    [Fact]
    public void A_leader_heard_of_but_never_heard_from_needs_a_rebuild_unless_the_log_moves()
    {
        Assert.Null(_watchdog.Diagnose(Follower(5, 5), 0));
        Assert.Null(_watchdog.Diagnose(Follower(6, 6), Stall));
        Assert.Null(_watchdog.Diagnose(Follower(6, 6), 2 * Stall));

        Assert.Contains("leader 2 is known but nothing from it succeeded", _watchdog.Diagnose(Follower(6, 6), (2 * Stall) + 1));
    }

    [Fact]
    public void Without_a_known_leader_a_quiet_member_is_left_alone()
    {
        var alone = new MemberProgress(1, 5, 5, LeaderId: null, IsLeader: false, 0, null);

        Assert.Null(_watchdog.Diagnose(alone, 0));
        Assert.Null(_watchdog.Diagnose(alone, 100 * Stall));
    }

    [Fact]
    public void A_rebuilt_member_starts_with_a_fresh_stall_clock()
    {
        Assert.Null(_watchdog.Diagnose(Follower(5, 9), 0));

        Assert.Null(_watchdog.Diagnose(Follower(5, 9, incarnation: 2), 2 * Stall));
        Assert.NotNull(_watchdog.Diagnose(Follower(5, 9, incarnation: 2), (3 * Stall) + 1));
    }

    [Fact]
    public void A_reported_log_integrity_fault_asks_for_one_rebuild()
    {
        Assert.Null(_watchdog.Diagnose(Follower(5, 5), 0));
        _watchdog.ReportIntegrityFault(new DotNext.IO.Log.IntegrityException("page 7 is missing"));

        Assert.Contains("page 7 is missing", _watchdog.Diagnose(Follower(5, 5), 1));
        Assert.Null(_watchdog.Diagnose(Follower(5, 5), 2));
    }

    [Fact]
    public void A_failed_log_background_task_or_no_member_at_all_asks_for_a_rebuild()
    {
        Assert.Contains("background work failed", _watchdog.Diagnose(Follower(5, 5) with { LogFault = new IOException("disk gone") }, 0));
        Assert.Contains("no member runs", _watchdog.Diagnose(null, 0));
    }

    [Fact]
    public void A_state_machine_that_threw_asks_for_a_rebuild_until_cleared()
    {
        var machine = new ListStateMachine();
        var applier = new MetadataApplier(machine);
        var watchdog = new QuorumWatchdog(Options, applier, _ => Task.CompletedTask);
        machine.FailNextApply();

        Assert.Throws<InvalidOperationException>(() => applier.Apply(1, 1, new System.Buffers.ReadOnlySequence<byte>("x"u8.ToArray()), null));

        Assert.Contains("failed to apply entry 1", watchdog.Diagnose(Follower(0, 1), 0));
        applier.ClearFault();
        Assert.True(applier.Apply(1, 1, new System.Buffers.ReadOnlySequence<byte>("x"u8.ToArray()), null));
        Assert.Null(watchdog.Diagnose(Follower(1, 1), 1));
        Assert.Equal(["x"], machine.Values);
    }
}
