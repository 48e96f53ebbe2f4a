using LogBroker.Broker.Cluster.Quorum;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>
/// The watchdog end to end: a state machine that throws on one entry kills the engine's apply loop for
/// good (DotNext does not retry), which is the honest way to stall a member from outside. The watchdog
/// must rebuild the member over its log, and the entry then applies.
/// </summary>
[Collection("Quorum")]
public sealed class QuorumWatchdogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_follower_whose_apply_fails_is_rebuilt_and_catches_up()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var expected = new List<string> { "one" };
        await cluster.ReplicateAsync("one");
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.RunningIds.First(id => id != leader.NodeId);
        await cluster.WaitForAllToApplyAsync(expected);

        cluster.Machine(follower).FailNextApply();
        foreach (var value in new[] { "two", "three", "four" })
        {
            expected.Add(value);
            await cluster.ReplicateAsync(value);
        }

        await cluster.WaitForAllToApplyAsync(expected);
        Assert.Equal(1, cluster.Member(follower).Status.Restarts);
        Assert.Equal(0, leader.Status.Restarts);
        expected.Add("five");
        await cluster.ReplicateAsync("five");
        await cluster.WaitForAllToApplyAsync(expected);
        Assert.Equal(cluster.Machine(leader.NodeId).Entries, cluster.Machine(follower).Entries);
        cluster.AssertNoTwoLeadersInOneTerm();
    }

    [Fact]
    public async Task A_leader_whose_apply_fails_reports_the_entry_unconfirmed_and_applies_it_once_rebuilt()
    {
        await using var cluster = new QuorumCluster(1, output);
        var member = await cluster.StartAsync(1);
        await cluster.WaitForLeaderAsync();
        await member.ReplicateAsync("a"u8.ToArray(), CancellationToken.None);

        cluster.Machine(1).FailNextApply();
        await Assert.ThrowsAsync<NotQuorumLeaderException>(() => member.ReplicateAsync("b"u8.ToArray(), CancellationToken.None).AsTask());

        // Committed before the apply failed, so the rebuilt member applies it from its log.
        await cluster.WaitForAllToApplyAsync(["a", "b"]);
        await cluster.WaitForLeaderAsync();
        await cluster.ReplicateAsync("c");
        Assert.Equal(["a", "b", "c"], cluster.Machine(1).Values);
        Assert.Equal(1, member.Status.Restarts);
    }
}
