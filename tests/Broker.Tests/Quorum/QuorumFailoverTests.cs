using System.Diagnostics;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

[Collection("Quorum")]
public sealed class QuorumFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leader_elects_another_that_keeps_what_was_committed_and_the_old_leader_catches_up()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var expected = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            expected.Add($"before-{i}");
            await cluster.ReplicateAsync(expected[^1]);
        }

        var oldLeader = (await cluster.WaitForLeaderAsync()).NodeId;
        var oldTerm = cluster.Member(oldLeader).Term;
        await cluster.KillAsync(oldLeader);
        var killed = Stopwatch.StartNew();
        expected.Add("after-kill");
        await cluster.ReplicateAsync(expected[^1]);
        cluster.Log($"failover: leader {oldLeader} killed, next entry committed after {killed.ElapsedMilliseconds} ms");

        var newLeader = await cluster.WaitForLeaderAsync();
        Assert.NotEqual(oldLeader, newLeader.NodeId);
        Assert.True(newLeader.Term > oldTerm);

        // It announced itself only once it had applied all that was committed before its term.
        var (_, appliedWhenLeading) = cluster.Changes(newLeader.NodeId).Last(c => c.Change.IsThisMember);
        Assert.True(appliedWhenLeading >= 20, $"the new leader announced itself with {appliedWhenLeading} of 20 committed entries applied");
        await cluster.WaitForAllToApplyAsync(expected);

        await cluster.StartAsync(oldLeader);
        await cluster.WaitForAllToApplyAsync(expected);
        Assert.Equal(newLeader.NodeId, cluster.Member(oldLeader).LeaderId);
        expected.Add("after-restart");
        await cluster.ReplicateAsync(expected[^1]);
        await cluster.WaitForAllToApplyAsync(expected);
        cluster.AssertNoTwoLeadersInOneTerm();
    }

    [Fact]
    public async Task Restarting_every_member_keeps_everything_committed()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var expected = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            expected.Add($"v{i}");
            await cluster.ReplicateAsync(expected[^1]);
        }

        foreach (var id in cluster.RunningIds.ToList())
        {
            await cluster.KillAsync(id);
        }

        await cluster.StartAllAsync();

        // Each member applies what it holds committed on start; the rest arrives from the new leader.
        await cluster.WaitForLeaderAsync();
        await cluster.WaitForAllToApplyAsync(expected);
        expected.Add("after");
        await cluster.ReplicateAsync(expected[^1]);
        await cluster.WaitForAllToApplyAsync(expected);
        cluster.AssertNoTwoLeadersInOneTerm();
    }

    [Fact]
    public async Task Members_killed_and_restarted_at_random_never_give_one_term_two_leaders()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var random = new Random(7);
        var expected = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            var victim = cluster.Voters[random.Next(cluster.Voters.Count)].NodeId;
            await cluster.KillAsync(victim);
            expected.Add($"round-{round}");
            await cluster.ReplicateAsync(expected[^1]);
            await cluster.StartAsync(victim);
        }

        await cluster.WaitForLeaderAsync();
        await cluster.WaitForAllToApplyAsync(expected);
        cluster.AssertNoTwoLeadersInOneTerm();
        Assert.True(cluster.TermsWithALeader >= 2);
    }

    [Fact]
    public async Task Repeated_leader_kills_while_replicating_lose_no_acknowledged_entry()
    {
        await using var cluster = new QuorumCluster(3, output);
        await cluster.StartAllAsync();
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var value = $"w{i}";
                await cluster.ReplicateAsync(value, TimeSpan.FromSeconds(60));
                acknowledged.Enqueue(value);
            }
        });

        var failovers = new List<long>();
        for (var kill = 0; kill < 5; kill++)
        {
            var before = acknowledged.Count;
            await Eventually.True(() => acknowledged.Count >= before + 20, "the writer gets 20 more entries acknowledged");
            var leader = (await cluster.WaitForLeaderAsync()).NodeId;
            await cluster.KillAsync(leader);
            var killed = Stopwatch.StartNew();
            var atKill = acknowledged.Count;
            await Eventually.True(() => acknowledged.Count > atKill + 1, "an entry is acknowledged by the next leader");
            failovers.Add(killed.ElapsedMilliseconds);
            await cluster.StartAsync(leader);
        }

        await stop.CancelAsync();
        await writer;
        cluster.Log($"failover ms (kill to next acknowledged entry): {string.Join(", ", failovers)}; median {failovers.Order().ElementAt(failovers.Count / 2)}");

        // Every acknowledged entry is applied on every member, in the order acknowledged. An entry whose
        // leader died before answering may have committed all the same and then been retried, so it can
        // appear twice: the contract leaves that to the callers.
        await cluster.WaitForLeaderAsync();
        var last = acknowledged.Last();
        await Eventually.True(() => cluster.RunningIds.All(id => cluster.Machine(id).Values.Contains(last)), "every member applies the last acknowledged entry");
        var reference = cluster.Machine(cluster.RunningIds.First()).Entries;
        foreach (var id in cluster.RunningIds)
        {
            var firstSeen = cluster.Machine(id).Values.Distinct().ToList();
            Assert.Equal(acknowledged, firstSeen.Where(acknowledged.Contains));
            var entries = cluster.Machine(id).Entries;
            var common = Math.Min(reference.Count, entries.Count);
            var mismatch = Enumerable.Range(0, common).FirstOrDefault(i => reference[i] != entries[i], -1);
            Assert.True(mismatch < 0, $"member {id} differs at position {mismatch}: {(mismatch < 0 ? "" : $"{entries[mismatch]} vs {reference[mismatch]}")}; counts {entries.Count} vs {reference.Count}");
        }

        cluster.AssertNoTwoLeadersInOneTerm();
    }
}
