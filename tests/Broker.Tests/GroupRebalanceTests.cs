using LogBroker.Client;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>Members share a topic's partitions; joins and leaves move them incrementally, never to two members at once.</summary>
public class GroupRebalanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Members_share_partitions_evenly_and_a_join_or_leave_moves_partitions_without_overlap_or_pause()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("work", partitions: 12);
        }

        var monitor = new GroupOwnershipMonitor();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var producing = ProduceContinuously(broker, "work", 12, stop.Token);
        var members = new List<Member>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(Member.Start(broker, "workers", $"m{i}", monitor, stop.Token));
        }

        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([4, 4, 4]), "3 members to own 4 partitions each", TimeSpan.FromSeconds(60));
        var revokedBefore = monitor.RevocationsPerMember();

        members.Add(Member.Start(broker, "workers", "m3", monitor, stop.Token));
        await Eventually.True(() => monitor.Loads().Order().SequenceEqual([3, 3, 3, 3]), "4 members to own 3 partitions each", TimeSpan.FromSeconds(60));

        // Incremental, sticky: each original member gave up exactly one partition and kept serving the rest.
        var revokedAfterJoin = monitor.RevocationsPerMember();
        foreach (var m in new[] { "m0", "m1", "m2" })
        {
            Assert.Equal(revokedBefore.GetValueOrDefault(m) + 1, revokedAfterJoin.GetValueOrDefault(m));
        }

        var progress = monitor.ConsumedPerMember();
        await Eventually.True(() => members.Take(3).All(m => monitor.ConsumedPerMember().GetValueOrDefault(m.Name) > progress.GetValueOrDefault(m.Name)), "members to keep consuming after the join");

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

    /// <summary>A group member consuming in the background, reporting to the monitor.</summary>
    private sealed record Member(string Name, Consumer Consumer, Task Loop, CancellationTokenSource Stop)
    {
        public static Member Start(BrokerHost broker, string group, string name, GroupOwnershipMonitor monitor, CancellationToken cancellationToken)
        {
            var consumer = new Consumer(GroupOptions(broker, group));
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
            return new Member(name, consumer, loop, stop);
        }
    }
}
