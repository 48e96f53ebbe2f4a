using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;
using GroupDescription = LogBroker.Client.Admin.GroupDescription;

namespace LogBroker.Broker.Tests;

/// <summary>Group state lives in __consumer_offsets: a broker that stops or dies gets it back from there.</summary>
public class GroupRestartTests
{
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
}
