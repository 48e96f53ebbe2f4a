using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

[Collection("Quorum")]
public sealed class QuorumReplicationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Quorum_of_one_elects_itself_and_commits()
    {
        await using var cluster = new QuorumCluster(1, output);
        var member = await cluster.StartAsync(1);

        await cluster.WaitForLeaderAsync();
        var first = await member.ReplicateAsync("a"u8.ToArray(), CancellationToken.None);
        var second = await member.ReplicateAsync("b"u8.ToArray(), CancellationToken.None);

        Assert.True(second > first);
        Assert.Equal(["a", "b"], cluster.Machine(1).Values);
        Assert.Equal([first, second], cluster.Machine(1).Entries.Select(e => e.Index));
        Assert.Equal(1, member.LeaderId);
        Assert.True(member.AppliedIndex >= second);
        var status = member.Status;
        Assert.Equal(1, status.LeaderId);
        Assert.True(status.CommitIndex >= second);
        Assert.Equal(0, status.Restarts);
        Assert.Equal(second, Assert.Single(status.Voters).MatchIndex);
    }

    [Fact]
    public async Task Three_members_elect_one_leader_and_apply_entries_in_the_same_order_everywhere()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var leader = await cluster.WaitForLeaderAsync();

        var expected = Enumerable.Range(0, 50).Select(i => $"entry-{i}").ToList();
        var indexes = await Task.WhenAll(expected.Select(v => cluster.ReplicateAsync(v)));

        Assert.Equal(indexes.Length, indexes.Distinct().Count());
        await cluster.WaitForAllToApplyAsync(cluster.Machine(leader.NodeId).Values);
        Assert.Equal(expected.Order(), cluster.Machine(leader.NodeId).Values.Order());
        foreach (var id in cluster.RunningIds)
        {
            Assert.Equal(cluster.Machine(leader.NodeId).Entries, cluster.Machine(id).Entries);
        }

        cluster.AssertNoTwoLeadersInOneTerm();
    }

    [Fact]
    public async Task Replicate_on_a_follower_throws_naming_the_leader()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Member(cluster.RunningIds.First(id => id != leader.NodeId));

        var e = await Assert.ThrowsAsync<NotQuorumLeaderException>(() => follower.ReplicateAsync("x"u8.ToArray(), CancellationToken.None).AsTask());

        Assert.Equal(leader.NodeId, e.LeaderId);
        Assert.False(follower.IsLeader);
        Assert.Equal(leader.NodeId, follower.LeaderId);
        await Eventually.True(() => cluster.Changes(follower.NodeId).Any(c => c.Change == new QuorumLeadership(leader.NodeId, leader.Term, false)),
            "the follower announces the leader");
        await Eventually.True(() => cluster.Changes(leader.NodeId).Any(c => c.Change == new QuorumLeadership(leader.NodeId, leader.Term, true)),
            "the leader announces itself");
    }

    [Fact]
    public async Task Leader_status_shows_each_follower_caught_up_and_recently_heard()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var leader = await cluster.WaitForLeaderAsync();
        var last = await leader.ReplicateAsync("x"u8.ToArray(), CancellationToken.None);

        await Eventually.True(() => leader.Status.Voters.All(v => v.MatchIndex >= last && v.LastContact is not null),
            "the leader sees every voter hold the last entry");
        var status = leader.Status;
        Assert.Equal(leader.NodeId, status.LeaderId);
        Assert.Equal([.. cluster.Voters.Select(v => $"{v.Host}:{v.Port}")], status.Voters.Select(v => v.Endpoint));
        Assert.All(status.Voters, v => Assert.InRange(v.LastContact!.Value, DateTimeOffset.UtcNow.AddSeconds(-10), DateTimeOffset.UtcNow.AddSeconds(1)));
        var followerStatus = cluster.Member(cluster.RunningIds.First(id => id != leader.NodeId)).Status;
        Assert.All(followerStatus.Voters, v => Assert.Equal(-1, v.MatchIndex));
        Assert.Equal(leader.NodeId, followerStatus.LeaderId);
    }
}
