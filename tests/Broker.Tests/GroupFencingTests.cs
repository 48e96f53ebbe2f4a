using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>Member epochs fence stale members: what a fenced member commits is refused.</summary>
public class GroupFencingTests
{
    [Fact]
    public async Task A_fenced_members_commit_is_refused()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("guarded");
        }

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(channel);
        var joined = await groups.HeartbeatAsync(new GroupHeartbeatRequest { GroupId = "g", MemberId = "a", MemberEpoch = 0, SessionTimeoutMs = 1000, RebalanceTimeoutMs = 10_000, SubscribedTopics = { "guarded" } });
        Assert.Equal(0, joined.ErrorCode);
        var epoch = joined.MemberEpoch;

        var ahead = await groups.CommitOffsetsAsync(Commit("a", epoch + 5));
        Assert.Equal((int)ErrorCode.FencedMemberEpoch, ahead.ErrorCode);
        var current = await groups.CommitOffsetsAsync(Commit("a", epoch));
        Assert.Equal(0, current.ErrorCode);

        // Silent past its 1 s session: the member is removed, and its commits are refused from then on.
        await Eventually.True(async () => (await groups.DescribeGroupsAsync(new DescribeGroupsRequest { GroupIds = { "g" } })).Groups[0].Members.Count == 0, "the silent member to be removed", TimeSpan.FromSeconds(20));
        var late = await groups.CommitOffsetsAsync(Commit("a", epoch));
        Assert.Equal((int)ErrorCode.UnknownMemberId, late.ErrorCode);
        var stillFenced = await groups.HeartbeatAsync(new GroupHeartbeatRequest { GroupId = "g", MemberId = "a", MemberEpoch = epoch, SessionTimeoutMs = 1000, RebalanceTimeoutMs = 10_000, SubscribedTopics = { "guarded" } });
        Assert.True(stillFenced.ErrorCode is (int)ErrorCode.UnknownMemberId or (int)ErrorCode.FencedMemberEpoch);

        static CommitOffsetsRequest Commit(string member, int epoch) => new()
        {
            GroupId = "g",
            MemberId = member,
            MemberEpoch = epoch,
            Offsets = { new OffsetToCommit { Topic = "guarded", Partition = 0, Offset = 0 } },
        };
    }
}
