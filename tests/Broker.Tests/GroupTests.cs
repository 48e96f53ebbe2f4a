using System.Collections.Concurrent;
using System.Text;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using GroupDescription = LogBroker.Client.Admin.GroupDescription;
using TopicPartitionOffset = LogBroker.Client.TopicPartitionOffset;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests;

public class GroupTests(ITestOutputHelper output)
{
    private static ConsumerOptions GroupOptions(BrokerHost broker, string group) => broker.ConsumerOptions with
    {
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchMaxWait = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Members_share_partitions_evenly_and_a_join_or_leave_moves_partitions_without_overlap_or_pause()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("work", partitions: 12);
        }

        var monitor = new OwnershipMonitor();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var producing = ProduceContinuously(broker, "work", 12, stop.Token);
        var members = new List<(Consumer Consumer, Task Loop, CancellationTokenSource Stop)>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(StartMember(broker, "workers", $"m{i}", monitor, stop.Token));
        }

        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([4, 4, 4]), "3 members to own 4 partitions each", TimeSpan.FromSeconds(60));
        var revokedBefore = monitor.RevocationsPerMember();

        members.Add(StartMember(broker, "workers", "m3", monitor, stop.Token));
        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([3, 3, 3, 3]), "4 members to own 3 partitions each", TimeSpan.FromSeconds(60));

        // Incremental, sticky: each original member gave up exactly one partition and kept serving the rest.
        var revokedAfterJoin = monitor.RevocationsPerMember();
        foreach (var m in new[] { "m0", "m1", "m2" })
        {
            Assert.Equal(revokedBefore.GetValueOrDefault(m) + 1, revokedAfterJoin.GetValueOrDefault(m));
        }

        var progress = monitor.ConsumedPerMember();
        await Eventually.True(() => members.Take(3).All(m => monitor.ConsumedPerMember().GetValueOrDefault(Name(m.Consumer)) > progress.GetValueOrDefault(Name(m.Consumer))), "members to keep consuming after the join");

        var leaving = members[1];
        await leaving.Stop.CancelAsync();
        await leaving.Loop;
        await leaving.Consumer.DisposeAsync(); // commits and leaves the group
        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([4, 4, 4]), "the 3 remaining members to own 4 partitions each", TimeSpan.FromSeconds(60));

        await stop.CancelAsync();
        await producing;
        foreach (var member in members.Where(m => m != leaving))
        {
            await member.Loop;
            await member.Consumer.DisposeAsync();
        }

        output.WriteLine($"{monitor.ConsumedTotal} records consumed, {monitor.Checks} ownership checks");
        Assert.Empty(monitor.Violations);
        Assert.True(monitor.ConsumedTotal > 0);
    }

    [Fact]
    public async Task A_killed_member_that_did_not_commit_has_its_records_delivered_again_to_the_others_and_none_lost()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("jobs", partitions: 4);
        }

        const int Count = 4000;
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < Count; i++)
            {
                producer.Produce("jobs", null, Encoding.UTF8.GetBytes($"job-{i}"), partition: i % 4);
            }

            await producer.FlushAsync();
        }

        var options = GroupOptions(broker, "crew") with { EnableAutoCommit = false, SessionTimeout = TimeSpan.FromSeconds(2) };
        var seenBy = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var victim = new Consumer(options);
        victim.Subscribe(["jobs"]);
        await using var survivor = new Consumer(options);
        survivor.Subscribe(["jobs"]);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var survivorLoop = Collect(survivor, "survivor", seenBy, commit: true, stop.Token);

        // The victim reads its partitions, commits half of what it read, then dies.
        var victimSeen = new List<string>();
        while (victimSeen.Count < 600)
        {
            var record = await victim.ConsumeOneAsync(stop.Token);
            victimSeen.Add(record.ValueAsString()!);
            seenBy.GetOrAdd("victim", _ => []).Add(record.ValueAsString()!);
            if (victimSeen.Count == 300)
            {
                await victim.CommitAsync(stop.Token);
            }
        }

        victim.Abandon();

        await Eventually.True(() => seenBy.Values.SelectMany(v => v).Distinct().Count() == Count, "every record to be consumed by someone", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await survivorLoop;

        var all = seenBy.Values.SelectMany(v => v).ToList();
        Assert.Equal(Count, all.Distinct().Count()); // none lost
        var uncommittedByVictim = victimSeen.Skip(300).ToHashSet();
        Assert.True(seenBy["survivor"].Any(uncommittedByVictim.Contains), "records the victim read but did not commit were not delivered again");
    }

    [Fact]
    public async Task After_a_broker_restart_committed_offsets_and_membership_come_back_from_the_offsets_topic()
    {
        var port = FreePort();
        await using var broker = await BrokerHost.StartAsync("--grpc-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("ledger", partitions: 2);
        }

        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 200; i++)
            {
                await producer.ProduceAsync(new TopicPartition("ledger", i % 2), null, Encoding.UTF8.GetBytes($"e{i}"));
            }
        }

        await using var consumer = new Consumer(GroupOptions(broker, "auditors") with { EnableAutoCommit = false });
        consumer.Subscribe(["ledger"]);
        var first = await ProduceConsumeTests.ReadAsync(consumer, 120);
        await consumer.CommitAsync();
        var committedBefore = await consumer.CommittedAsync([new TopicPartition("ledger", 0), new TopicPartition("ledger", 1)]);
        GroupDescription before;
        await using (var admin = broker.Admin())
        {
            before = await admin.DescribeGroupAsync("auditors");
        }

        await broker.StopAsync();
        await broker.StartAgainAsync();

        await using (var admin = broker.Admin())
        {
            var after = await admin.DescribeGroupAsync("auditors");
            var member = Assert.Single(after.Members);
            Assert.Equal(consumer.MemberId, member.MemberId);
            Assert.Equal(before.Members[0].Assignment.Order(), member.Assignment.Order());
            Assert.Equal(committedBefore, await admin.ListGroupOffsetsAsync("auditors"));
        }

        // The same consumer carries on as the same member and reads exactly what is left.
        var rest = await ProduceConsumeTests.ReadAsync(consumer, 80);
        Assert.Equal(200, first.Concat(rest).Select(r => r.ValueAsString()).Distinct().Count());
    }

    [Fact]
    public async Task Resetting_a_group_to_a_timestamp_replays_exactly_the_records_from_that_time_on()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("history", partitions: 2);
        var start = DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(new TopicPartition("history", i % 2), null, Encoding.UTF8.GetBytes($"h{i}"), timestamp: start.AddMinutes(i).ToUnixTimeMilliseconds());
            }
        }

        await using (var reader = new Consumer(GroupOptions(broker, "replayers")))
        {
            reader.Subscribe(["history"]);
            await ProduceConsumeTests.ReadAsync(reader, 100);
            await reader.CommitAsync();
        }

        var refused = await Assert.ThrowsAsync<LogBrokerException>(async () =>
        {
            await using var active = new Consumer(GroupOptions(broker, "replayers"));
            active.Subscribe(["history"]);
            await Eventually.True(async () => (await TryDescribe(admin, "replayers"))?.Members.Count == 1, "the member to join");
            await admin.ResetGroupOffsetsAsync("replayers", "history", OffsetResetTarget.Timestamp, start.AddMinutes(60).ToUnixTimeMilliseconds());
        });
        Assert.Equal(ErrorCode.NonEmptyGroup, refused.Code);
        await Eventually.True(async () => (await TryDescribe(admin, "replayers"))?.Members.Count == 0, "the member to leave");

        var reset = await admin.ResetGroupOffsetsAsync("replayers", "history", OffsetResetTarget.Timestamp, start.AddMinutes(60).ToUnixTimeMilliseconds());
        Assert.Equal(new Dictionary<TopicPartition, long> { [new("history", 0)] = 30, [new("history", 1)] = 30 }, reset);

        await using var replay = new Consumer(GroupOptions(broker, "replayers"));
        replay.Subscribe(["history"]);
        var replayed = await ProduceConsumeTests.ReadAsync(replay, 40);
        Assert.Equal(Enumerable.Range(60, 40).Select(i => $"h{i}").Order(), replayed.Select(r => r.ValueAsString()).Order());
        Assert.All(replayed, r => Assert.True(r.Timestamp >= start.AddMinutes(60)));
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await replay.ConsumeOneAsync(quiet.Token));
    }

    [Fact]
    public async Task A_fenced_members_commit_is_refused()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("guarded");
        }

        using var raw = new RawClients(broker.Address);
        var groups = new Protocol.Grpc.Groups.GroupsClient(Grpc.Net.Client.GrpcChannel.ForAddress(broker.Address));
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
    public async Task Regex_subscriptions_pick_up_new_topics_and_added_partitions()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("metrics.cpu");
        await using var consumer = new Consumer(GroupOptions(broker, "scrapers"));
        consumer.Subscribe(@"metrics\..*");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var pump = Pump(consumer, cts.Token);
        await Eventually.True(() => consumer.Assignment.Count == 1, "the existing topic to be assigned");

        await admin.CreateTopicAsync("metrics.disk", partitions: 2);
        await admin.CreateTopicAsync("logs.app");
        await Eventually.True(() => consumer.Assignment.Count == 3, "the new matching topic's partitions to be assigned");

        await admin.CreatePartitionsAsync("metrics.cpu", 3);
        await Eventually.True(() => consumer.Assignment.Count == 5, "added partitions to be assigned");
        Assert.DoesNotContain(consumer.Assignment, p => p.Topic == "logs.app");
        await cts.CancelAsync();
        await pump;
    }

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

    private static (Consumer Consumer, Task Loop, CancellationTokenSource Stop) StartMember(BrokerHost broker, string group, string name, OwnershipMonitor monitor, CancellationToken cancellationToken)
    {
        var consumer = new Consumer(GroupOptions(broker, group));
        Names[consumer] = name;
        consumer.PartitionsAssigned += (_, e) => monitor.Assigned(name, e.Partitions);
        consumer.PartitionsRevoked += (_, e) => monitor.Revoked(name, e.Partitions);
        consumer.PartitionsLost += (_, e) => monitor.Revoked(name, e.Partitions);
        consumer.Subscribe(["work"]);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var record in consumer.ConsumeAsync(stop.Token))
                {
                    monitor.Consumed(name, record.TopicPartition);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return (consumer, loop, stop);
    }

    private static readonly ConditionalWeakTableNames Names = new();

    private static string Name(Consumer consumer) => Names[consumer];

    /// <summary>The group, or null while it does not exist yet (its first member has not heartbeated).</summary>
    private static async Task<GroupDescription?> TryDescribe(AdminClient admin, string groupId)
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

    private static Task Pump(Consumer consumer, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var _ in consumer.ConsumeAsync(cancellationToken))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    private static Task Collect(Consumer consumer, string name, ConcurrentDictionary<string, ConcurrentBag<string>> seen, bool commit, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var record in consumer.ConsumeAsync(cancellationToken))
            {
                seen.GetOrAdd(name, _ => []).Add(record.ValueAsString()!);
                if (commit && seen[name].Count % 100 == 0)
                {
                    await consumer.CommitAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    private static Task ProduceContinuously(BrokerHost broker, string topic, int partitions, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        await using var producer = broker.Producer();
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            producer.Produce(topic, null, Encoding.UTF8.GetBytes($"r{i}"), partition: i % partitions);
            if (i % 200 == 0)
            {
                await producer.FlushAsync(CancellationToken.None);
            }
        }
    }, CancellationToken.None);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Consumers by name, for assertions about one member.</summary>
    private sealed class ConditionalWeakTableNames
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Consumer, string> _names = [];

        public string this[Consumer consumer]
        {
            get => _names.TryGetValue(consumer, out var name) ? name : "?";
            set => _names.AddOrUpdate(consumer, value);
        }
    }

    /// <summary>
    /// Who owns which partition, as the consumers' own callbacks say: a partition assigned while
    /// another member still owns it, or a record consumed by a member that does not own its
    /// partition, is a violation.
    /// </summary>
    private sealed class OwnershipMonitor
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<TopicPartition, string> _owner = [];
        private readonly Dictionary<string, int> _revocations = [];
        private readonly Dictionary<string, long> _consumed = [];

        public List<string> Violations { get; } = [];

        public long Checks { get; private set; }

        public long ConsumedTotal { get; private set; }

        public void Assigned(string member, IReadOnlyList<TopicPartition> partitions)
        {
            lock (_lock)
            {
                foreach (var p in partitions)
                {
                    if (_owner.TryGetValue(p, out var holder) && holder != member)
                    {
                        Violations.Add($"{p} assigned to {member} while {holder} owns it");
                    }

                    _owner[p] = member;
                }
            }
        }

        public void Revoked(string member, IReadOnlyList<TopicPartition> partitions)
        {
            lock (_lock)
            {
                foreach (var p in partitions)
                {
                    if (_owner.GetValueOrDefault(p) == member)
                    {
                        _owner.Remove(p);
                    }
                }

                _revocations[member] = _revocations.GetValueOrDefault(member) + 1;
            }
        }

        public void Consumed(string member, TopicPartition partition)
        {
            lock (_lock)
            {
                Checks++;
                ConsumedTotal++;
                _consumed[member] = _consumed.GetValueOrDefault(member) + 1;
                if (_owner.GetValueOrDefault(partition) != member)
                {
                    Violations.Add($"{member} consumed from {partition}, owned by {_owner.GetValueOrDefault(partition) ?? "nobody"}");
                }
            }
        }

        public List<int> Loads()
        {
            lock (_lock)
            {
                return [.. _owner.GroupBy(kv => kv.Value).Select(g => g.Count())];
            }
        }

        public Dictionary<string, int> RevocationsPerMember()
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_revocations);
            }
        }

        public Dictionary<string, long> ConsumedPerMember()
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_consumed);
            }
        }
    }
}
