using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>kill -9 of the broker process: committed offsets come back from __consumer_offsets, and the group carries on from them.</summary>
public class GroupCrashRecoveryTests
{
    [Fact]
    public async Task Committed_offsets_survive_a_kill_9_of_the_broker_and_the_group_resumes_from_them()
    {
        await using var broker = await ChildBroker.StartAsync();
        var partitions = new[] { new TopicPartition("ledger", 0), new TopicPartition("ledger", 1) };
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("ledger", partitions: 2);
        }

        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address }))
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(partitions[i % 2], null, Encoding.UTF8.GetBytes($"e{i}"));
            }
        }

        var first = new Consumer(GroupOptions(broker.Address, "auditors") with { EnableAutoCommit = false, SessionTimeout = TimeSpan.FromSeconds(2) });
        first.Subscribe(["ledger"]);
        var before = await ProduceConsumeTests.ReadAsync(first, 60);
        await first.CommitAsync([.. partitions.Select(p => new TopicPartitionOffset(p, first.Position(p)!.Value))], metadata: "before-the-crash");
        var committed = await first.CommittedAsync(partitions);

        broker.Kill();
        first.Abandon();
        await broker.StartAgainAsync();

        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            Assert.Equal(committed, await admin.ListGroupOffsetsAsync("auditors"));
        }

        // The crashed member's session runs out; a new one takes its partitions from the committed offsets.
        await using var second = new Consumer(GroupOptions(broker.Address, "auditors") with { EnableAutoCommit = false });
        second.Subscribe(["ledger"]);
        var after = await ProduceConsumeTests.ReadAsync(second, 40);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"e{i}").Order(), before.Concat(after).Select(r => r.ValueAsString()).Order());
        foreach (var partition in partitions)
        {
            Assert.Equal((await second.QueryWatermarksAsync(partition)).High, second.Position(partition));
        }
    }
}
