using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;
using TopicPartitionOffset = LogBroker.Client.TopicPartitionOffset;

namespace LogBroker.Broker.Tests;

/// <summary>
/// A member commits only what it owns, under the ownership the commit was made in: its late commit for
/// a partition it has given up, or held again only since a later epoch, never moves the new owner's
/// offset. Driven by raw heartbeats, so every step of the hand-over is explicit.
/// </summary>
public class GroupCommitOwnershipTests
{
    private const string Group = "owners";

    [Fact]
    public async Task Commits_for_partitions_a_member_does_not_hold_at_that_epoch_are_refused_and_leave_the_owners_offset_alone()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("split", partitions: 2);
        }

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(channel);
        var (p0, p1) = (new TopicPartition("split", 0), new TopicPartition("split", 1));

        // a alone owns both; b joins and the target moves p1 to b, which a must hand back first.
        var a1 = await Beat(groups, "a", 0, []);
        Assert.Equal([p0, p1], Assignment(a1));
        var b = await Beat(groups, "b", 0, []);
        Assert.Empty(Assignment(b));
        var revoking = await Beat(groups, "a", a1.MemberEpoch, [p0, p1]);
        Assert.Equal([p0], Assignment(revoking));
        Assert.Equal(a1.MemberEpoch, revoking.MemberEpoch);

        // While revoking, a still holds p1: its revoke-commit lands.
        Assert.Equal(ErrorCode.None, await Commit(groups, "a", a1.MemberEpoch, p1, 5));

        var a2 = await Beat(groups, "a", a1.MemberEpoch, [p0]); // released p1: a moves to the new epoch
        Assert.True(a2.MemberEpoch > a1.MemberEpoch);
        var b2 = await Beat(groups, "b", b.MemberEpoch, []);
        Assert.Equal([p1], Assignment(b2));
        Assert.Equal(ErrorCode.None, await Commit(groups, "b", b2.MemberEpoch, p1, 7));

        // a's late commits for p1, at the epoch it held it in and at its current one: refused per partition.
        Assert.Equal(ErrorCode.StaleMemberEpoch, await Commit(groups, "a", a1.MemberEpoch, p1, 3));
        Assert.Equal(ErrorCode.StaleMemberEpoch, await Commit(groups, "a", a2.MemberEpoch, p1, 3));
        Assert.Equal(ErrorCode.StaleMemberEpoch, await Commit(groups, "b", b2.MemberEpoch, p0, 3));

        // A commit at the previous epoch for a partition held since then is its owner's: accepted.
        Assert.Equal(ErrorCode.None, await Commit(groups, "a", a1.MemberEpoch, p0, 4));

        // b leaves and p1 goes back to a, at a newer epoch: what a made at its older epochs is still refused.
        await Beat(groups, "b", -1, []);
        var a3 = await Beat(groups, "a", a2.MemberEpoch, [p0]);
        Assert.Equal([p0, p1], Assignment(a3));
        Assert.True(a3.MemberEpoch > a2.MemberEpoch);
        Assert.Equal(ErrorCode.StaleMemberEpoch, await Commit(groups, "a", a2.MemberEpoch, p1, 3));

        // A zombie at an epoch older than the previous one is refused as a whole.
        var zombie = await groups.CommitOffsetsAsync(Request("a", a1.MemberEpoch, p0, 1));
        Assert.Equal((int)ErrorCode.StaleMemberEpoch, zombie.ErrorCode);

        var committed = (await groups.FetchOffsetsAsync(new FetchOffsetsRequest { GroupId = Group })).Offsets.ToDictionary(o => o.Partition, o => o.Offset);
        Assert.Equal(new Dictionary<int, long> { [0] = 4, [1] = 7 }, committed);
        Assert.Equal(ErrorCode.None, await Commit(groups, "a", a3.MemberEpoch, p1, 8));
    }

    [Fact]
    public async Task A_subscribed_consumer_cannot_commit_a_partition_it_is_not_assigned()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("mine", partitions: 1);
            await admin.CreateTopicAsync("theirs", partitions: 1);
        }

        await using var consumer = new Consumer(GroupOptions(broker, "narrow") with { EnableAutoCommit = false });
        consumer.Subscribe(["mine"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var pump = Pump(consumer, cts.Token);
        await Eventually.True(() => consumer.Assignment.Count == 1, "the consumer to own its partition");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.CommitAsync([new TopicPartitionOffset("theirs", 0, 1)]));
        Assert.Contains("theirs-0 is not assigned to this consumer", refused.Message, StringComparison.Ordinal);
        await cts.CancelAsync();
        await pump;
    }

    private static async Task<GroupHeartbeatResponse> Beat(Protocol.Grpc.Groups.GroupsClient groups, string member, int epoch, TopicPartition[] owned)
    {
        var request = new GroupHeartbeatRequest { GroupId = Group, MemberId = member, MemberEpoch = epoch, SessionTimeoutMs = 60_000, RebalanceTimeoutMs = 60_000, SubscribedTopics = { "split" } };
        if (owned.Length > 0)
        {
            request.OwnedPartitions.Add(new TopicPartitions { Topic = "split", Partitions = { owned.Select(p => p.Partition) } });
        }

        var response = await groups.HeartbeatAsync(request);
        Assert.Equal(0, response.ErrorCode);
        return response;
    }

    private static List<TopicPartition> Assignment(GroupHeartbeatResponse response) =>
        [.. response.Assignment.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))).Order()];

    private static async Task<ErrorCode> Commit(Protocol.Grpc.Groups.GroupsClient groups, string member, int epoch, TopicPartition partition, long offset)
    {
        var response = await groups.CommitOffsetsAsync(Request(member, epoch, partition, offset));
        Assert.Equal(0, response.ErrorCode);
        return (ErrorCode)Assert.Single(response.Results).ErrorCode;
    }

    private static CommitOffsetsRequest Request(string member, int epoch, TopicPartition partition, long offset) => new()
    {
        GroupId = Group,
        MemberId = member,
        MemberEpoch = epoch,
        Offsets = { new OffsetToCommit { Topic = partition.Topic, Partition = partition.Partition, Offset = offset } },
    };
}
