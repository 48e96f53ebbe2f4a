using System.Collections.Concurrent;
using LogBroker.Client;
using LogBroker.Client.Consuming;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>
/// Members share a topic's partitions; joins and leaves move them incrementally, never to two members
/// at once (checked on every fetch and every record), and never stop the members that keep theirs:
/// each rebalance is held open by one member's callback while the others must consume records produced
/// after it began.
/// </summary>
public class GroupRebalanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Members_share_partitions_evenly_and_a_join_or_leave_moves_partitions_without_overlap_or_pause()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("work", partitions: 12);
        var partitions = Enumerable.Range(0, 12).Select(p => new TopicPartition("work", p)).ToList();

        var monitor = new GroupOwnershipMonitor();
        var commitFailures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var producing = ProduceContinuously(broker, "work", 12, stop.Token);
        var members = new List<Member>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(Member.Start(broker, $"m{i}", monitor, commitFailures, stop.Token));
        }

        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([4, 4, 4]), "3 members to own 4 partitions each", Generous);
        var revokedBefore = monitor.RevocationsPerMember();

        // Join, held open by m0 not handing its partition over yet: m1 and m2 give up theirs and go on.
        members[0].Revocations.Close();
        members.Add(Member.Start(broker, "m3", monitor, commitFailures, stop.Token));
        await members[0].Revocations.Entered.WaitAsync(Generous);
        var joinBegan = await EndOffsets(admin, partitions);
        await Eventually.True(() => members[1..3].All(m => monitor.ConsumedPast(m.Name, monitor.OwnedBy(m.Name), joinBegan)), "m1 and m2 to consume records produced during the join", Generous);
        Assert.False(monitor.Loads().Order().SequenceEqual([3, 3, 3, 3]), "the join completed while m0 still held a partition of m3's");
        members[0].Revocations.Open();
        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([3, 3, 3, 3]), "4 members to own 3 partitions each", Generous);

        // Incremental, sticky: each original member gave up exactly one partition and kept serving the rest.
        var revokedAfterJoin = monitor.RevocationsPerMember();
        foreach (var m in new[] { "m0", "m1", "m2" })
        {
            Assert.Equal(revokedBefore.GetValueOrDefault(m) + 1, revokedAfterJoin.GetValueOrDefault(m));
        }

        // Leave, held open by m0 not taking on its share yet: m2 and m3 take theirs and go on.
        var leaving = members[1];
        members[0].Assignments.Close();
        await leaving.Stop.CancelAsync();
        await leaving.Loop;
        await leaving.Consumer.DisposeAsync(); // commits and leaves the group
        await members[0].Assignments.Entered.WaitAsync(Generous);
        var leaveBegan = await EndOffsets(admin, partitions);
        var staying = new[] { members[2], members[3] };
        await Eventually.True(() => staying.All(m => monitor.ConsumedPast(m.Name, monitor.OwnedBy(m.Name), leaveBegan)), "m2 and m3 to consume records produced during the leave", Generous);
        Assert.False(monitor.Loads().Order().SequenceEqual([4, 4, 4]), "the leave completed while m0 had not taken its share");
        members[0].Assignments.Open();
        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([4, 4, 4]), "the 3 remaining members to own 4 partitions each", Generous);

        await stop.CancelAsync();
        await producing;
        foreach (var member in members.Where(m => m != leaving))
        {
            await member.Loop;
            await member.Consumer.DisposeAsync();
        }

        foreach (var member in members)
        {
            member.Dispose();
        }

        output.WriteLine($"{monitor.ConsumedTotal} records consumed, {monitor.FetchChecks} fetched partitions checked");
        Assert.Empty(monitor.Violations);
        Assert.Empty(commitFailures);
        Assert.True(monitor.ConsumedTotal > 0 && monitor.FetchChecks > 0);
    }

    /// <summary>Each partition's high watermark now: a record at or past it was produced after this call.</summary>
    private static async Task<IReadOnlyDictionary<TopicPartition, long>> EndOffsets(AdminClient admin, IReadOnlyList<TopicPartition> partitions) =>
        (await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest)).ToDictionary(kv => kv.Key, kv => kv.Value.Offset);

    /// <summary>Lets a test hold a consumer's rebalance callback: the callback waits (on the consuming thread) while the gate is closed.</summary>
    private sealed class CallbackGate : IDisposable
    {
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a callback reaches the closed gate.</summary>
        public Task Entered => Volatile.Read(ref _entered).Task;

        public void Close()
        {
            Volatile.Write(ref _entered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _open.Reset();
        }

        public void Open() => _open.Set();

        public void Pass()
        {
            if (!_open.IsSet)
            {
                Volatile.Read(ref _entered).TrySetResult();
                _open.Wait(TimeSpan.FromMinutes(2)); // bounded, should a failing test never open it
            }
        }

        public void Dispose() => _open.Dispose();
    }

    /// <summary>A group member consuming in the background, reporting its callbacks, fetches and records to the monitor.</summary>
    private sealed record Member(string Name, Consumer Consumer, Task Loop, CancellationTokenSource Stop, CallbackGate Revocations, CallbackGate Assignments) : IDisposable
    {
        public static Member Start(BrokerHost broker, string name, GroupOwnershipMonitor monitor, ConcurrentQueue<string> commitFailures, CancellationToken cancellationToken)
        {
            var revocations = new CallbackGate();
            var assignments = new CallbackGate();
            var consumer = new Consumer(GroupOptions(broker, "workers") with
            {
                AutoCommitInterval = TimeSpan.FromMilliseconds(100),
                FetchObserver = partitions => monitor.Fetched(name, partitions),
                CommitObserver = report =>
                {
                    if (report.Error is { } error)
                    {
                        commitFailures.Enqueue($"{name}: {error.Message}");
                    }
                },
            });
            consumer.PartitionsAssigned += (_, e) =>
            {
                assignments.Pass();
                monitor.Assigned(name, e.Partitions);
            };
            consumer.PartitionsRevoked += (_, e) =>
            {
                revocations.Pass();
                monitor.Revoked(name, e.Partitions);
            };
            consumer.PartitionsLost += (_, e) => monitor.Revoked(name, e.Partitions);
            consumer.Subscribe(["work"]);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var record in consumer.ConsumeAsync(stop.Token))
                    {
                        monitor.Consumed(name, record.TopicPartition, record.Offset);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);
            return new Member(name, consumer, loop, stop, revocations, assignments);
        }

        public void Dispose()
        {
            Stop.Dispose();
            Revocations.Dispose();
            Assignments.Dispose();
        }
    }
}
