using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

[Collection("Quorum")]
public sealed class QuorumSnapshotTests(ITestOutputHelper output)
{
    private const int Interval = 10;

    [Fact]
    public async Task Snapshots_are_taken_every_interval_and_restored_on_restart_with_the_log_after_them()
    {
        await using var cluster = new QuorumCluster(3, output, o => o with { SnapshotInterval = Interval });
        await cluster.StartAllAsync();
        var expected = Enumerable.Range(0, 3 * Interval + 5).Select(i => $"s{i}").ToList();
        foreach (var value in expected)
        {
            await cluster.ReplicateAsync(value);
        }

        await cluster.WaitForAllToApplyAsync(expected);
        foreach (var id in cluster.RunningIds)
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(cluster.DataDirectory(id), "metadata", "snapshots"), "*-*"));
        }

        foreach (var id in cluster.RunningIds.ToList())
        {
            await cluster.StopAsync(id);
        }

        await cluster.StartAllAsync();
        foreach (var id in cluster.RunningIds)
        {
            // Restored from a snapshot (at least the third interval), then the committed entries after it from the log.
            Assert.Equal(1, cluster.Machine(id).Restores);
            Assert.True(cluster.Machine(id).LastRestoredIndex >= 3 * Interval, $"member {id} restored index {cluster.Machine(id).LastRestoredIndex}");
        }

        await cluster.WaitForAllToApplyAsync(expected);
        await cluster.ReplicateAsync("after");
        await cluster.WaitForAllToApplyAsync([.. expected, "after"]);
    }

    [Fact]
    public async Task A_follower_down_across_snapshots_catches_up_after_restart()
    {
        await using var cluster = new QuorumCluster(3, output, o => o with { SnapshotInterval = Interval });
        await cluster.StartAllAsync();
        var expected = new List<string> { "first" };
        await cluster.ReplicateAsync("first");
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.RunningIds.First(id => id != leader.NodeId);
        await cluster.WaitForAllToApplyAsync(expected);
        await cluster.KillAsync(follower);

        expected.AddRange(Enumerable.Range(0, 4 * Interval).Select(i => $"while-down-{i}"));
        foreach (var value in expected.Skip(1))
        {
            await cluster.ReplicateAsync(value);
        }

        await cluster.StartAsync(follower);
        await cluster.WaitForAllToApplyAsync(expected);
        await cluster.ReplicateAsync("after");
        await cluster.WaitForAllToApplyAsync([.. expected, "after"]);
    }

    [Fact]
    public async Task A_follower_that_lost_its_disk_is_sent_the_leaders_snapshot()
    {
        await using var cluster = new QuorumCluster(3, output, o => o with { SnapshotInterval = Interval });
        await cluster.StartAllAsync();
        var expected = Enumerable.Range(0, 3 * Interval).Select(i => $"d{i}").ToList();
        foreach (var value in expected)
        {
            await cluster.ReplicateAsync(value);
        }

        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.RunningIds.First(id => id != leader.NodeId);
        await cluster.WaitForAllToApplyAsync(expected);
        await cluster.KillAsync(follower);
        Directory.Delete(cluster.DataDirectory(follower), recursive: true);

        await cluster.StartAsync(follower);
        await cluster.WaitForAllToApplyAsync(expected);

        // The leader's log before its snapshot is gone: the follower got the state as a snapshot.
        Assert.Equal(1, cluster.Machine(follower).Restores);
        Assert.True(cluster.Machine(follower).LastRestoredIndex >= 2 * Interval);
        await cluster.ReplicateAsync("after");
        await cluster.WaitForAllToApplyAsync([.. expected, "after"]);
        cluster.AssertNoTwoLeadersInOneTerm();
    }
}
