using System.Text;
using System.Text.Json;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Lbctl.Tests;

public class GroupCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task List_shows_a_group_with_its_live_member_in_a_table_and_in_json()
    {
        await CreateTopicAsync("listed", partitions: 1, recordsPerPartition: 1);
        await using var member = await JoinAsync("listed-group", "listed");

        var table = await fixture.RunAsync("group", "list");
        var json = (await fixture.RunAsync("group", "list", "-o", "json")).Json();

        Assert.Equal(0, table.ExitCode);
        Assert.Equal("GROUP STATE MEMBERS", Words(table.Lines()[0]));
        Assert.Contains(table.Lines(), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["listed-group", _, "1"]);
        var listed = Assert.Single(json.GetProperty("groups").EnumerateArray(), g => g.GetProperty("groupId").GetString() == "listed-group");
        Assert.Equal(1, listed.GetProperty("members").GetInt32());
        Assert.True(listed.GetProperty("state").GetString() is "Stable" or "Reconciling");
    }

    [Fact]
    public async Task Describe_shows_members_and_per_partition_committed_offsets_log_ends_lag_owner_and_metadata_in_text_and_json()
    {
        await using var admin = fixture.Broker.Admin();
        await CreateTopicAsync("lagging", partitions: 2, recordsPerPartition: 0);
        await ProduceAsync("lagging", partition: 0, count: 5);
        await ProduceAsync("lagging", partition: 1, count: 3);
        await using var member = await JoinAsync("lagging-group", "lagging");
        await ConsumeOneAsync(member);
        await member.CommitAsync([new TopicPartitionOffset("lagging", 0, 2)], metadata: "batch-7");
        await Eventually.True(async () => await DescribeOrNullAsync(admin, "lagging-group") is { State: "Stable" } g && g.Partitions.Count(p => p.MemberId == member.MemberId) == 2, "the member to own both partitions");

        var text = await fixture.RunAsync("group", "describe", "lagging-group");
        var json = (await fixture.RunAsync("group", "describe", "lagging-group", "--output", "json")).Json();

        var memberId = member.MemberId!;
        var epoch = json.GetProperty("members")[0].GetProperty("memberEpoch").GetInt32();
        Assert.Equal(0, text.ExitCode);
        Assert.Equal("Group: lagging-group state: Stable epoch: " + json.GetProperty("groupEpoch").GetInt32() + " coordinator: 1 members: 1 total lag: 6", Words(text.Lines()[0]));
        Assert.Equal("MEMBER INSTANCE EPOCH SUBSCRIPTION ASSIGNED", Words(text.Lines()[1]));
        Assert.Equal($"{memberId} - {epoch} lagging lagging(0,1)", Words(text.Lines()[2]));
        Assert.Equal("TOPIC PARTITION COMMITTED LOG END LAG MEMBER METADATA", Words(text.Lines()[3]));
        Assert.Equal($"lagging 0 2 5 3 {memberId} batch-7", Words(text.Lines()[4]));
        Assert.Equal($"lagging 1 - 3 3 {memberId} -", Words(text.Lines()[5]));

        Assert.Equal(("lagging-group", "Stable", 1, 6L), (json.GetProperty("groupId").GetString(), json.GetProperty("state").GetString(), json.GetProperty("coordinatorId").GetInt32(), json.GetProperty("totalLag").GetInt64()));
        var described = Assert.Single(json.GetProperty("members").EnumerateArray());
        Assert.Equal(memberId, described.GetProperty("memberId").GetString());
        Assert.Equal(JsonValueKind.Null, described.GetProperty("instanceId").ValueKind);
        Assert.Equal(JsonValueKind.Null, described.GetProperty("subscribedTopicRegex").ValueKind);
        Assert.Equal(["lagging"], described.GetProperty("subscribedTopics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["lagging-0", "lagging-1"], described.GetProperty("assignment").EnumerateArray().Select(PartitionName));
        Assert.Equal(["lagging-0", "lagging-1"], described.GetProperty("targetAssignment").EnumerateArray().Select(PartitionName));
        var partitions = json.GetProperty("partitions").EnumerateArray().Select(p => (p.GetProperty("topic").GetString(), p.GetProperty("partition").GetInt32(), p.GetProperty("committedOffset").GetInt64(), p.GetProperty("logEndOffset").GetInt64(), p.GetProperty("lag").GetInt64(), p.GetProperty("memberId").GetString(), p.GetProperty("metadata").GetString()));
        Assert.Equal([("lagging", 0, 2L, 5L, 3L, memberId, "batch-7"), ("lagging", 1, -1L, 3L, 3L, memberId, string.Empty)], partitions);
    }

    [Fact]
    public async Task Reset_to_earliest_moves_every_partition_of_a_group_without_members_to_the_log_start()
    {
        await CreateTopicAsync("rewind", partitions: 2, recordsPerPartition: 4);
        await CommitWithoutMembersAsync("rewind-group", new TopicPartitionOffset("rewind", 0, 4), new TopicPartitionOffset("rewind", 1, 3));

        var reset = await fixture.RunAsync("group", "reset", "rewind-group", "--topic", "rewind", "--to-earliest");

        Assert.Equal(0, reset.ExitCode);
        Assert.Equal(["TOPIC PARTITION NEW OFFSET", "rewind 0 0", "rewind 1 0", "Reset group 'rewind-group' on 'rewind': 2 partition(s)."], reset.Lines().Select(Words));
        var described = (await fixture.RunAsync("group", "describe", "rewind-group", "-o", "json")).Json();
        Assert.Equal([(0L, 4L), (0L, 4L)], described.GetProperty("partitions").EnumerateArray().Select(p => (p.GetProperty("committedOffset").GetInt64(), p.GetProperty("lag").GetInt64())));
        Assert.Equal(("Empty", 8L), (described.GetProperty("state").GetString(), described.GetProperty("totalLag").GetInt64()));
    }

    [Fact]
    public async Task Reset_to_a_datetime_moves_to_the_first_record_at_or_after_it()
    {
        await CreateTopicAsync("dated-group-topic", partitions: 1, recordsPerPartition: 5);
        await CommitWithoutMembersAsync("dated-group", new TopicPartitionOffset("dated-group-topic", 0, 5));

        var reset = await fixture.RunAsync("group", "reset", "dated-group", "--topic", "dated-group-topic", "--to-datetime", "2026-01-01T02:30:00Z", "-o", "json");

        Assert.Equal(0, reset.ExitCode);
        var json = reset.Json();
        Assert.Equal(("timestamp", Start.AddHours(2.5).ToUnixTimeMilliseconds(), false), (json.GetProperty("target").GetString(), json.GetProperty("value").GetInt64(), json.GetProperty("dryRun").GetBoolean()));
        Assert.Equal([(0, 3L)], json.GetProperty("partitions").EnumerateArray().Select(p => (p.GetProperty("partition").GetInt32(), p.GetProperty("offset").GetInt64())));
        Assert.Equal(3, (await CommittedAsync("dated-group"))[new TopicPartition("dated-group-topic", 0)]);
    }

    [Fact]
    public async Task Reset_to_an_offset_moves_only_the_partitions_named_and_clamps_to_the_log()
    {
        await CreateTopicAsync("pinned", partitions: 3, recordsPerPartition: 5);
        await CommitWithoutMembersAsync("pinned-group", new TopicPartitionOffset("pinned", 0, 5), new TopicPartitionOffset("pinned", 1, 5), new TopicPartitionOffset("pinned", 2, 5));

        var reset = await fixture.RunAsync("group", "reset", "pinned-group", "--topic", "pinned", "--to-offset", "2", "--partitions", "1,2");
        var beyond = await fixture.RunAsync("group", "reset", "pinned-group", "--topic", "pinned", "--to-offset", "99", "--partitions", "2");

        Assert.Equal(0, reset.ExitCode);
        Assert.Equal(["pinned 1 2", "pinned 2 2"], reset.Lines()[1..3].Select(Words));
        Assert.Equal("pinned 2 5", Words(beyond.Lines()[1]));
        var committed = await CommittedAsync("pinned-group");
        Assert.Equal([5L, 2L, 5L], Enumerable.Range(0, 3).Select(p => committed[new TopicPartition("pinned", p)]));
    }

    [Fact]
    public async Task Reset_shift_by_moves_committed_offsets_back_and_stops_at_the_log_start()
    {
        await CreateTopicAsync("shifted", partitions: 1, recordsPerPartition: 5);
        await CommitWithoutMembersAsync("shifted-group", new TopicPartitionOffset("shifted", 0, 4));
        var partition = new TopicPartition("shifted", 0);

        var back = await fixture.RunAsync("group", "reset", "shifted-group", "--topic", "shifted", "--shift-by", "-3");
        var afterBack = (await CommittedAsync("shifted-group"))[partition];
        var tooFar = await fixture.RunAsync("group", "reset", "shifted-group", "--topic", "shifted", "--shift-by", "-5");
        var afterTooFar = (await CommittedAsync("shifted-group"))[partition];
        var forward = await fixture.RunAsync("group", "reset", "shifted-group", "--topic", "shifted", "--shift-by", "2");

        Assert.Equal((0, 0, 0), (back.ExitCode, tooFar.ExitCode, forward.ExitCode));
        Assert.Equal((1L, 0L, 2L), (afterBack, afterTooFar, (await CommittedAsync("shifted-group"))[partition]));
    }

    [Fact]
    public async Task Reset_with_dry_run_shows_the_new_offsets_and_changes_nothing()
    {
        await CreateTopicAsync("tentative", partitions: 1, recordsPerPartition: 5);
        await CommitWithoutMembersAsync("tentative-group", new TopicPartitionOffset("tentative", 0, 5));

        var text = await fixture.RunAsync("group", "reset", "tentative-group", "--topic", "tentative", "--to-earliest", "--dry-run");
        var json = (await fixture.RunAsync("group", "reset", "tentative-group", "--topic", "tentative", "--to-earliest", "--dry-run", "-o", "json")).Json();

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("tentative 0 0", Words(text.Lines()[1]));
        Assert.Contains("Dry run: nothing changed", text.Stdout);
        Assert.True(json.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, json.GetProperty("partitions")[0].GetProperty("offset").GetInt64());
        Assert.Equal(5, (await CommittedAsync("tentative-group"))[new TopicPartition("tentative", 0)]);
    }

    [Fact]
    public async Task Reset_is_refused_while_the_group_has_an_active_member_and_allowed_with_force()
    {
        await CreateTopicAsync("busy", partitions: 1, recordsPerPartition: 5);
        await using var member = await JoinAsync("busy-group", "busy");

        var refused = await fixture.RunAsync("group", "reset", "busy-group", "--topic", "busy", "--to-offset", "1");
        var forced = await fixture.RunAsync("group", "reset", "busy-group", "--topic", "busy", "--to-offset", "1", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Empty(refused.Stdout);
        Assert.Contains("group 'busy-group' has active members", refused.Stderr);
        Assert.Contains("stop its consumers first, or use --force", refused.Stderr);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(1, (await CommittedAsync("busy-group"))[new TopicPartition("busy", 0)]);
    }

    [Fact]
    public async Task Delete_is_refused_while_the_group_has_members_and_works_after_they_leave()
    {
        await CreateTopicAsync("leaving", partitions: 1, recordsPerPartition: 1);
        var member = await JoinAsync("leaving-group", "leaving");

        var refused = await fixture.RunAsync("group", "delete", "leaving-group");
        await member.DisposeAsync();
        var deleted = await fixture.RunAsync("group", "delete", "leaving-group");
        var describedAfter = await fixture.RunAsync("group", "describe", "leaving-group");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("group 'leaving-group' was not deleted", refused.Stderr);
        Assert.Contains("active member", refused.Stderr);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(["Deleted group 'leaving-group'."], deleted.Lines());
        Assert.Equal(1, describedAfter.ExitCode);
        Assert.Contains("GroupIdNotFound", describedAfter.Stderr);
    }

    [Fact]
    public async Task Delete_of_an_unknown_group_fails_with_exit_code_1_and_still_deletes_the_others()
    {
        await CreateTopicAsync("doomed", partitions: 1, recordsPerPartition: 1);
        await CommitWithoutMembersAsync("doomed-group", new TopicPartitionOffset("doomed", 0, 1));

        var run = await fixture.RunAsync("group", "delete", "no-such-group", "doomed-group", "-o", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([("no-such-group", false), ("doomed-group", true)], run.Json().GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("groupId").GetString(), g.GetProperty("deleted").GetBoolean())));
        Assert.Contains("group 'no-such-group' was not deleted: GroupIdNotFound", run.Stderr);
        Assert.DoesNotContain("doomed-group", (await fixture.RunAsync("group", "list")).Stdout);
    }

    [Theory]
    [InlineData("group", "reset", "g", "--topic", "t")]
    [InlineData("group", "reset", "g", "--topic", "t", "--to-earliest", "--to-latest")]
    [InlineData("group", "reset", "g", "--topic", "t", "--to-offset", "3", "--shift-by", "1")]
    [InlineData("group", "reset", "g", "--to-earliest")]
    [InlineData("group", "reset", "g", "--topic", "t", "--to-offset", "-1")]
    [InlineData("group", "reset", "g", "--topic", "t", "--to-datetime", "noon")]
    [InlineData("group", "reset", "g", "--topic", "t", "--to-latest", "--partitions", "0,one")]
    [InlineData("group", "describe")]
    [InlineData("group", "delete")]
    [InlineData("group", "frobnicate")]
    public async Task Group_commands_without_exactly_what_they_need_exit_with_code_2(params string[] command)
    {
        var run = await Lbctl.RunAsync(command);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains("--help' for usage", run.Stderr);
    }

    [Fact]
    public async Task Reset_names_the_targets_when_none_or_two_are_given()
    {
        var none = await Lbctl.RunAsync("group", "reset", "g", "--topic", "t");
        var two = await Lbctl.RunAsync("group", "reset", "g", "--topic", "t", "--to-earliest", "--to-datetime", "2026-01-01T00:00:00Z");

        Assert.Contains("give one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by", none.Stderr);
        Assert.Contains("give only one of", two.Stderr);
        Assert.Contains("(got --to-earliest and --to-datetime)", two.Stderr);
    }

    [Fact]
    public async Task Help_is_printed_for_every_group_command_and_exits_0()
    {
        foreach (var command in new[] { "list", "describe", "reset", "delete" })
        {
            var run = await Lbctl.RunAsync("group", command, "--help");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Usage:", run.Stdout);
            Assert.Contains("--bootstrap", run.Stdout);
        }

        Assert.Contains("--shift-by <N>", (await Lbctl.RunAsync("group", "reset", "--help")).Stdout);
        Assert.Contains("reset <group>", (await Lbctl.RunAsync("group", "--help")).Stdout);
    }

    private async Task CreateTopicAsync(string topic, int partitions, int recordsPerPartition)
    {
        await using (var admin = fixture.Broker.Admin())
        {
            await admin.CreateTopicAsync(topic, partitions);
        }

        for (var p = 0; p < partitions; p++)
        {
            await ProduceAsync(topic, p, recordsPerPartition);
        }
    }

    /// <summary>Records one hour apart from <see cref="Start"/>, so offset i has timestamp Start + i hours.</summary>
    private async Task ProduceAsync(string topic, int partition, int count)
    {
        await using var producer = fixture.Broker.Producer();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), null, Encoding.UTF8.GetBytes($"r{i}"), timestamp: Start.AddHours(i).ToUnixTimeMilliseconds());
        }
    }

    /// <summary>
    /// A subscribed member of <paramref name="groupId"/>, once the coordinator lists it. Auto-commit is
    /// off, so the offsets a test commits (or resets) are the only ones the group has.
    /// </summary>
    private async Task<Consumer> JoinAsync(string groupId, string topic)
    {
        var consumer = fixture.Broker.Consumer(o => o with { GroupId = groupId, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false });
        consumer.Subscribe([topic]);
        await using var admin = fixture.Broker.Admin();
        await Eventually.True(async () => (await admin.ListGroupsAsync()).Any(g => g.GroupId == groupId && g.Members == 1), $"group '{groupId}' to have its member");
        return consumer;
    }

    /// <summary>Takes one record, which applies the assignment the group gave the member.</summary>
    private static async Task ConsumeOneAsync(Consumer consumer)
    {
        using var deadline = new CancellationTokenSource(Eventually.DefaultTimeout);
        await consumer.ConsumeOneAsync(deadline.Token);
    }

    /// <summary>Commits as a tool does, from outside the group: allowed while it has no members, and creates it.</summary>
    private async Task CommitWithoutMembersAsync(string groupId, params TopicPartitionOffset[] offsets)
    {
        await using var tool = fixture.Broker.Consumer(o => o with { GroupId = groupId, EnableAutoCommit = false });
        await tool.CommitAsync(offsets);
    }

    private async Task<IReadOnlyDictionary<TopicPartition, long>> CommittedAsync(string groupId)
    {
        await using var admin = fixture.Broker.Admin();
        return (await admin.ListGroupOffsetsAsync(groupId)).ToDictionary(kv => kv.Key, kv => kv.Value.Offset);
    }

    /// <summary>The group, or null before its first member's first heartbeat has created it.</summary>
    private static async Task<GroupDescription?> DescribeOrNullAsync(AdminClient admin, string groupId)
    {
        try
        {
            return await admin.DescribeGroupAsync(groupId);
        }
        catch (LogBrokerException e) when (e.Code == ErrorCode.GroupIdNotFound)
        {
            return null;
        }
    }

    private static string PartitionName(JsonElement p) => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}";

    private static string Words(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
