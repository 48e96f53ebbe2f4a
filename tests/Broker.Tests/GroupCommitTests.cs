using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>Committing by hand, synchronously or with a callback, and reading back what was committed: offset, metadata and when.</summary>
public class GroupCommitTests
{
    [Fact]
    public async Task An_async_commit_reports_to_its_callback_and_offsets_come_back_with_their_metadata_and_commit_time()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("receipts", partitions: 2);
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync(new TopicPartition("receipts", i % 2), null, "r"u8.ToArray());
            }
        }

        var (p0, p1) = (new TopicPartition("receipts", 0), new TopicPartition("receipts", 1));
        await using var consumer = new Consumer(GroupOptions(broker, "bookkeepers") with { EnableAutoCommit = false });
        consumer.Subscribe(["receipts"]);
        await ProduceConsumeTests.ReadAsync(consumer, 20);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var outcome = new TaskCompletionSource<LogBrokerException?>(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.Commit(outcome.SetResult);
        Assert.Null(await outcome.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        var positions = await consumer.CommittedAsync([p0, p1]);
        Assert.Equal((10L, 10L), (positions[p0].Offset, positions[p1].Offset));
        Assert.Equal((string.Empty, string.Empty), (positions[p0].Metadata, positions[p1].Metadata));

        await consumer.CommitAsync([new TopicPartitionOffset(p1, 7)], metadata: "batch-7");
        var committed = await consumer.CommittedAsync([p0, p1]);
        var listed = await admin.ListGroupOffsetsAsync("bookkeepers");

        Assert.Equal(new OffsetAndMetadata(7, "batch-7", committed[p1].CommitTimestamp), committed[p1]);
        Assert.Equal(positions[p0], committed[p0]);
        Assert.InRange(committed[p1].CommitTimestamp, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(committed[p1].CommitTimestamp >= positions[p1].CommitTimestamp);
        Assert.Equal(committed, listed);
        Assert.Equal("batch-7", (await admin.DescribeGroupAsync("bookkeepers")).Partitions.Single(p => p.TopicPartition == p1).CommittedMetadata);
    }
}
