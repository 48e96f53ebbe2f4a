using LogBroker.Client;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>Static membership: a member with an instance id restarts without moving its partitions.</summary>
public class GroupStaticMembershipTests
{
    [Fact]
    public async Task A_static_member_that_restarts_within_its_session_gets_its_partitions_back_without_moving_the_others()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("pinned", partitions: 6);
        var stable = new Consumer(GroupOptions(broker, "statics") with { GroupInstanceId = "host-b", SessionTimeout = TimeSpan.FromSeconds(30) });
        stable.Subscribe(["pinned"]);
        await using var other = new Consumer(GroupOptions(broker, "statics") with { GroupInstanceId = "host-a" });
        other.Subscribe(["pinned"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var pumps = new[] { Pump(stable, cts.Token), Pump(other, cts.Token) };
        await Eventually.True(async () => await TryDescribe(admin, "statics") is { State: "Stable", Members.Count: 2 } d && d.Members.All(m => m.Assignment.Count == 3), "two members with 3 partitions each");
        var before = (await admin.DescribeGroupAsync("statics")).Members.ToDictionary(m => m.InstanceId!, m => m.Assignment.Order().ToList());

        await cts.CancelAsync();
        await Task.WhenAll(pumps);
        await stable.DisposeAsync(); // a static member leaves "for now": its partitions wait for it
        var away = await admin.DescribeGroupAsync("statics");
        Assert.Equal(before["host-a"], away.Members.Single(m => m.InstanceId == "host-a").Assignment.Order().ToList());

        await using var restarted = new Consumer(GroupOptions(broker, "statics") with { GroupInstanceId = "host-b" });
        restarted.Subscribe(["pinned"]);
        using var again = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var pump = Pump(restarted, again.Token);
        await Eventually.True(async () => (await TryDescribe(admin, "statics"))?.Members.Any(m => m.MemberId == restarted.MemberId && m.Assignment.Count == 3) == true, "the restarted member to get its partitions");

        var after = (await admin.DescribeGroupAsync("statics")).Members.ToDictionary(m => m.InstanceId!, m => m.Assignment.Order().ToList());
        Assert.Equal(before, after);
        await again.CancelAsync();
        await pump;
    }

    [Fact]
    public async Task A_static_member_that_crashed_restarts_with_its_partitions_and_none_move_to_the_others()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("pinned", partitions: 6);
        var other = new Consumer(GroupOptions(broker, "crashers") with { GroupInstanceId = "host-a" });
        var assignedToOther = 0;
        other.PartitionsAssigned += (_, e) => Interlocked.Add(ref assignedToOther, e.Partitions.Count);
        other.Subscribe(["pinned"]);
        var crashing = new Consumer(GroupOptions(broker, "crashers") with { GroupInstanceId = "host-b", SessionTimeout = TimeSpan.FromSeconds(3) });
        crashing.Subscribe(["pinned"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var crashingStop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var otherPump = Pump(other, cts.Token);
        var crashingPump = Pump(crashing, crashingStop.Token);
        await Eventually.True(async () => await TryDescribe(admin, "crashers") is { State: "Stable", Members.Count: 2 } d && d.Members.All(m => m.Assignment.Count == 3), "two members with 3 partitions each");
        var before = (await admin.DescribeGroupAsync("crashers")).Members.ToDictionary(m => m.InstanceId!, m => m.Assignment.Order().ToList());
        var assignedToOtherBefore = Volatile.Read(ref assignedToOther);

        // host-b dies without leaving; its next run starts at once, while the old session is still live.
        await crashingStop.CancelAsync();
        await crashingPump;
        crashing.Abandon();
        await using var restarted = new Consumer(GroupOptions(broker, "crashers") with { GroupInstanceId = "host-b", SessionTimeout = TimeSpan.FromSeconds(3) });
        restarted.Subscribe(["pinned"]);
        var restartedPump = Pump(restarted, cts.Token);
        await Eventually.True(async () => (await TryDescribe(admin, "crashers"))?.Members.Any(m => m.MemberId == restarted.MemberId && m.Assignment.Count == 3) == true, "the restarted member to get its partitions", TimeSpan.FromSeconds(60));

        var after = (await admin.DescribeGroupAsync("crashers")).Members.ToDictionary(m => m.InstanceId!, m => m.Assignment.Order().ToList());
        Assert.Equal(before, after);
        Assert.Equal(assignedToOtherBefore, Volatile.Read(ref assignedToOther)); // nothing of host-b's ever went to host-a
        await cts.CancelAsync();
        await Task.WhenAll(otherPump, restartedPump);
        await other.DisposeAsync();
    }
}
