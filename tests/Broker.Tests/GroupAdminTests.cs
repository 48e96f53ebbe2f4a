using LogBroker.Broker.Groups;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;
using TopicPartitionOffset = LogBroker.Client.TopicPartitionOffset;

namespace LogBroker.Broker.Tests;

/// <summary>Operators list, describe (with lag) and delete groups.</summary>
public class GroupAdminTests
{
    [Fact]
    public async Task Groups_are_listed_described_with_lag_and_deleted_only_when_empty()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("tasks", partitions: 2);
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 50; i++)
            {
                await producer.ProduceAsync(new TopicPartition("tasks", i % 2), null, "t"u8.ToArray());
            }
        }

        var consumer = new Consumer(GroupOptions(broker, "workers") with { EnableAutoCommit = false });
        consumer.Subscribe(["tasks"]);
        await ProduceConsumeTests.ReadAsync(consumer, 50);
        await consumer.CommitAsync([new TopicPartitionOffset("tasks", 0, 20), new TopicPartitionOffset("tasks", 1, 25)], metadata: "checkpoint-7");

        Assert.Contains(await admin.ListGroupsAsync(), g => g.GroupId == "workers" && g.Members == 1);
        var description = await admin.DescribeGroupAsync("workers");
        Assert.Equal([(0, 20L, 25L, 5L), (1, 25L, 25L, 0L)], description.Partitions.Select(p => (p.TopicPartition.Partition, p.CommittedOffset, p.LogEndOffset, p.Lag)));
        Assert.All(description.Partitions, p => Assert.Equal(consumer.MemberId, p.MemberId));
        var busy = await Assert.ThrowsAsync<LogBrokerException>(() => admin.DeleteGroupAsync("workers"));
        Assert.Equal(ErrorCode.NonEmptyGroup, busy.Code);

        await consumer.DisposeAsync();
        await admin.DeleteGroupAsync("workers");

        Assert.DoesNotContain(await admin.ListGroupsAsync(), g => g.GroupId == "workers");
        var gone = await Assert.ThrowsAsync<LogBrokerException>(() => admin.DescribeGroupAsync("workers"));
        Assert.Equal(ErrorCode.GroupIdNotFound, gone.Code);
    }

    [Fact]
    public async Task Listing_reads_each_group_under_its_gate_never_in_the_middle_of_a_change()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("shifts");
        }

        await using var consumer = new Consumer(GroupOptions(broker, "rota"));
        consumer.Subscribe(["shifts"]);
        var store = broker.Services.GetRequiredService<GroupStore>();
        var groups = broker.Services.GetRequiredService<GroupAdmin>();
        await Eventually.True(async () => (await groups.ListAsync(CancellationToken.None)).Any(g => g.GroupId == "rota" && g.Members == 1), "the member to join");
        Assert.True(store.TryGet("rota", out var group));

        // Half-way through a change, as a heartbeat holding the gate would be.
        await group.Gate.WaitAsync();
        group.Members["half-joined"] = new GroupMember("half-joined");
        var listing = groups.ListAsync(CancellationToken.None);
        var waited = !listing.IsCompleted;
        group.Members.Remove("half-joined");
        group.Gate.Release();

        Assert.True(waited, "the listing read the group without waiting for its gate");
        Assert.Contains(await listing, g => g.GroupId == "rota" && g.Members == 1);
    }

    [Fact]
    public async Task Lag_of_a_partition_without_a_committed_offset_counts_from_the_log_start()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("aged", partitions: 1, configs: new Dictionary<string, string> { ["segment.bytes"] = "2048", ["max.message.bytes"] = "1024", ["retention.ms"] = "60000" });
        var old = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 60; i++)
            {
                await producer.ProduceAsync(new TopicPartition("aged", 0), null, new byte[100], timestamp: old);
            }
        }

        Assert.True(broker.Services.GetRequiredService<LogManager>().ApplyRetention() > 0);
        var partition = (await admin.DescribeTopicsAsync(["aged"])).Single().Partitions.Single();
        Assert.True(partition.LogStartOffset > 0);

        await using var consumer = new Consumer(GroupOptions(broker, "late-starters") with { EnableAutoCommit = false });
        consumer.Subscribe(["aged"]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await consumer.ConsumeOneAsync(deadline.Token);
        var lag = (await admin.DescribeGroupAsync("late-starters")).Partitions.Single();

        Assert.Equal((-1L, 60L, 60L - partition.LogStartOffset), (lag.CommittedOffset, lag.LogEndOffset, lag.Lag));
    }

    [Fact]
    public async Task Refused_commits_heartbeats_and_dry_run_resets_leave_no_group_behind()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("ghosts");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(channel);

        var byStranger = await groups.CommitOffsetsAsync(new CommitOffsetsRequest { GroupId = "phantom-1", MemberId = "nobody", MemberEpoch = 3, Offsets = { new OffsetToCommit { Topic = "ghosts", Partition = 0, Offset = 1 } } });
        var nowhere = await groups.CommitOffsetsAsync(new CommitOffsetsRequest { GroupId = "phantom-2", MemberEpoch = -1, Offsets = { new OffsetToCommit { Topic = "ghosts", Partition = 9, Offset = 1 } } });
        var dryRun = await admin.ResetGroupOffsetsAsync("phantom-3", "ghosts", OffsetResetTarget.Earliest, dryRun: true);
        var stale = await groups.HeartbeatAsync(new GroupHeartbeatRequest { GroupId = "phantom-4", MemberId = "m", MemberEpoch = 5, SessionTimeoutMs = 10_000, SubscribedTopics = { "ghosts" } });
        var leave = await groups.HeartbeatAsync(new GroupHeartbeatRequest { GroupId = "phantom-5", MemberId = "m", MemberEpoch = -1, SessionTimeoutMs = 10_000 });

        Assert.Equal((int)ErrorCode.UnknownMemberId, byStranger.ErrorCode);
        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, Assert.Single(nowhere.Results).ErrorCode);
        Assert.Equal(0, dryRun[new TopicPartition("ghosts", 0)]);
        Assert.Equal((int)ErrorCode.UnknownMemberId, stale.ErrorCode);
        Assert.Equal(0, leave.ErrorCode);
        Assert.DoesNotContain(await admin.ListGroupsAsync(), g => g.GroupId.StartsWith("phantom-", StringComparison.Ordinal));

        // What stores something does create the group.
        await admin.ResetGroupOffsetsAsync("phantom-3", "ghosts", OffsetResetTarget.Earliest);
        Assert.Equal(["phantom-3"], (await admin.ListGroupsAsync()).Select(g => g.GroupId));
    }
}
