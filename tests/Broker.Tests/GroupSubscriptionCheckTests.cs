using LogBroker.Broker.Groups;
using LogBroker.Broker.Groups.Records;
using LogBroker.Client;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>
/// A subscription the coordinator cannot use is refused when it is set, and nothing one group holds can
/// stop the coordinator serving the others: its heartbeats, and its sweeper's evictions.
/// </summary>
public class GroupSubscriptionCheckTests
{
    [Fact]
    public async Task A_member_subscribing_with_an_invalid_regex_is_refused_and_the_group_keeps_working()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("metrics.cpu", partitions: 2);
        await using var good = new Consumer(GroupOptions(broker, "scrapers") with { SessionTimeout = TimeSpan.FromSeconds(2) });
        good.Subscribe(@"metrics\..*");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var pump = Pump(good, cts.Token);
        await Eventually.True(() => good.Assignment.Count == 2, "the good member to own the topic");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(channel);

        var badJoin = await groups.HeartbeatAsync(Heartbeat("bad", 0, regex: "metrics["));
        var listed = await groups.HeartbeatAsync(Heartbeat("changer", 0, topics: ["metrics.cpu"]));
        var badChange = await groups.HeartbeatAsync(Heartbeat("changer", listed.MemberEpoch, regex: "(unclosed"));
        var changer = (await admin.DescribeGroupAsync("scrapers")).Members.Single(m => m.MemberId == "changer");
        await groups.HeartbeatAsync(Heartbeat("changer", -1));

        Assert.Equal((int)ErrorCode.InvalidRegularExpression, badJoin.ErrorCode);
        Assert.Contains("metrics[", badJoin.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, listed.ErrorCode);
        Assert.Equal((int)ErrorCode.InvalidRegularExpression, badChange.ErrorCode);
        Assert.Equal(["metrics.cpu"], changer.SubscribedTopics); // the refused change changed nothing
        Assert.Null(changer.SubscribedTopicRegex);
        Assert.Throws<ArgumentException>(() => good.Subscribe("metrics["));

        // The group still recomputes its subscriptions and the good member still heartbeats, well past its session.
        await admin.CreateTopicAsync("metrics.disk", partitions: 1);
        await Eventually.True(() => good.Assignment.Count == 3, "the new matching topic to be assigned", TimeSpan.FromSeconds(60));
        var group = await admin.DescribeGroupAsync("scrapers");
        Assert.Equal([good.MemberId], group.Members.Select(m => m.MemberId));
        await cts.CancelAsync();
        await pump;

        static GroupHeartbeatRequest Heartbeat(string member, int epoch, string? regex = null, string[]? topics = null) => new()
        {
            GroupId = "scrapers",
            MemberId = member,
            MemberEpoch = epoch,
            SessionTimeoutMs = 10_000,
            RebalanceTimeoutMs = 10_000,
            SubscribedTopicRegex = regex ?? string.Empty,
            SubscribedTopics = { topics ?? [] },
        };
    }

    [Fact]
    public async Task A_member_stored_with_an_invalid_regex_does_not_poison_its_group_after_a_restart()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("ledger", partitions: 2);
        }

        // As a broker from before subscriptions were checked would have stored it.
        var store = broker.Services.GetRequiredService<GroupStore>();
        store.Log.Append("legacy", [
            OffsetsLog.GroupEpoch("legacy", 1),
            (new GroupRecordKey { Type = GroupRecordType.Member, Group = "legacy", MemberId = "old" }, new MemberValue { MemberEpoch = 1, Regex = "ledger[", SessionTimeoutMs = 300_000, RebalanceTimeoutMs = 10_000 }),
        ]);
        await broker.StopAsync();
        await broker.StartAgainAsync();

        await using var consumer = new Consumer(GroupOptions(broker, "legacy"));
        consumer.Subscribe(["ledger"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var pump = Pump(consumer, cts.Token);
        await using var admin2 = broker.Admin();
        await Eventually.True(() => consumer.Assignment.Count == 2, "the new member to own the topic", TimeSpan.FromSeconds(60));

        // The stored member is still there (its session is long) but subscribes to nothing.
        var members = (await admin2.DescribeGroupAsync("legacy")).Members.ToDictionary(m => m.MemberId, m => (m.SubscribedTopicRegex, m.Assignment.Count));
        Assert.Equal((null, 0), members["old"]);
        Assert.Equal((null, 2), members[consumer.MemberId!]);
        await cts.CancelAsync();
        await pump;
    }

    [Fact]
    public async Task A_failure_sweeping_one_group_does_not_stop_the_sweeper_evicting_silent_members_of_others()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("chores");
        }

        // A null member stands in for any bug in one group's state: sweeping that group throws every time.
        var store = broker.Services.GetRequiredService<GroupStore>();
        var poisoned = store.GetOrCreate("poisoned");
        await WithGate(poisoned, () => poisoned.Members["ghost"] = null!);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(channel);

        var joined = await groups.HeartbeatAsync(new GroupHeartbeatRequest { GroupId = "healthy", MemberId = "silent", MemberEpoch = 0, SessionTimeoutMs = 1000, RebalanceTimeoutMs = 10_000, SubscribedTopics = { "chores" } });
        Assert.Equal(0, joined.ErrorCode);
        Assert.True(store.TryGet("healthy", out var healthy));

        await Eventually.True(async () => await WithGate(healthy, () => healthy.Members.Count) == 0, "the silent member of the healthy group to be evicted", TimeSpan.FromSeconds(60));
        await WithGate(poisoned, () => poisoned.Members.Remove("ghost"));
    }

    private static async Task<T> WithGate<T>(ConsumerGroup group, Func<T> action)
    {
        await group.Gate.WaitAsync();
        try
        {
            return action();
        }
        finally
        {
            group.Gate.Release();
        }
    }
}
