using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.TestHosts;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

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
}
