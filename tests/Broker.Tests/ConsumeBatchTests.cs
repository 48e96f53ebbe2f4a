using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>
/// <see cref="Consumer.ConsumeBatchAsync"/>: whole fetched chunks, in order, positioned once per batch,
/// valid until the next consume call, mixing freely with <see cref="Consumer.ConsumeOneAsync"/>.
/// </summary>
public class ConsumeBatchTests : IAsyncLifetime
{
    private const int Records = 3000;
    private static readonly TopicPartition Partition = new("batches", 0);
    private BrokerHost _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        await using var admin = _broker.Admin();
        await admin.CreateTopicAsync(Partition.Topic);
        await using var producer = _broker.Producer(o => o with { BatchSize = 16 * 1024, Linger = TimeSpan.FromMilliseconds(20) });
        for (var i = 0; i < Records; i++)
        {
            producer.Produce(Partition.Topic, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"value-{i}"));
        }

        await producer.FlushAsync();
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData(FetchMode.Poll)]
    [InlineData(FetchMode.Push)]
    public async Task Batches_hand_out_every_record_once_in_order_and_move_the_position_per_batch(FetchMode mode)
    {
        await using var consumer = _broker.Consumer(o => o with { FetchMode = mode, MaxPartitionFetchBytes = 8 * 1024 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var expected = 0L;
        var batches = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (expected < Records)
        {
            var batch = await consumer.ConsumeBatchAsync(timeout.Token);
            batches++;
            Assert.Equal(expected, batch.StartOffset);
            foreach (var record in batch)
            {
                Assert.Equal(expected, record.Offset);
                Assert.Equal($"k{expected}", record.KeyAsString());
                Assert.Equal($"value-{expected}", record.ValueAsString());
                expected++;
            }

            Assert.Equal(expected, batch.NextOffset);
            Assert.Equal(batch.NextOffset, consumer.Position(Partition));
            Assert.Equal(Partition, batch.TopicPartition);
        }

        Assert.Equal(Records, expected);
        Assert.True(batches > 1, "small fetches should take several batches");
    }

    [Fact]
    public async Task A_batch_is_void_after_the_next_consume_call()
    {
        await using var consumer = _broker.Consumer(o => o with { MaxPartitionFetchBytes = 8 * 1024 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var first = await consumer.ConsumeBatchAsync();

        await consumer.ConsumeBatchAsync();

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var record in first)
            {
                Assert.Fail($"read record {record.Offset} of a void batch");
            }
        });
    }

    [Fact]
    public async Task Records_and_batches_mix_without_losing_or_repeating_a_record()
    {
        await using var consumer = _broker.Consumer();
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var seen = new List<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (seen.Count < Records)
        {
            for (var i = 0; i < 7 && seen.Count < Records; i++)
            {
                seen.Add((await consumer.ConsumeOneAsync(timeout.Token)).Offset);
            }

            if (seen.Count < Records)
            {
                foreach (var record in await consumer.ConsumeBatchAsync(timeout.Token))
                {
                    seen.Add(record.Offset);
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, Records).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task A_seek_after_a_batch_drops_what_was_prefetched_for_the_old_position()
    {
        await using var consumer = _broker.Consumer(o => o with { MaxPartitionFetchBytes = 8 * 1024 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        await consumer.ConsumeBatchAsync();

        consumer.Seek(Partition, 2500);
        var batch = await consumer.ConsumeBatchAsync();

        Assert.Equal(2500, batch.StartOffset);
        foreach (var record in batch)
        {
            Assert.True(record.Offset >= 2500, $"record {record.Offset} was fetched for the old position");
        }
    }

    [Fact]
    public async Task Committing_after_a_batch_commits_the_position_after_it()
    {
        await using var consumer = _broker.Consumer(o => o with { GroupId = "batch-committer", EnableAutoCommit = false, MaxPartitionFetchBytes = 8 * 1024 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var batch = await consumer.ConsumeBatchAsync();

        await consumer.CommitAsync();

        var committed = await consumer.CommittedAsync([Partition]);
        Assert.Equal(batch.NextOffset, committed[Partition].Offset);
    }

    [Fact]
    public async Task Enumerating_a_batch_allocates_nothing_per_record()
    {
        await using var consumer = _broker.Consumer(o => o with { MaxPartitionFetchBytes = 1 << 20 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        var batch = await consumer.ConsumeBatchAsync();
        long valueBytes = 0;
        var warm = batch.GetEnumerator();
        Assert.True(warm.MoveNext());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var records = 0;
        foreach (var record in batch)
        {
            valueBytes += record.Value.Length + record.Key.Length + record.Headers.Count;
            records++;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(records > 1000, $"the first batch held only {records} records");
        Assert.True(valueBytes > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Records_already_fetched_come_out_of_ConsumeOneAsync_without_waiting_or_allocating()
    {
        await using var consumer = _broker.Consumer(o => o with { MaxPartitionFetchBytes = 1 << 20 });
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        await consumer.ConsumeOneAsync();
        for (var i = 0; i < 10; i++)
        {
            await consumer.ConsumeOneAsync();
        }

        var offsets = new long[500];
        var waited = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < offsets.Length; i++)
        {
            var next = consumer.ConsumeOneAsync();
            waited += next.IsCompletedSuccessfully ? 0 : 1;
            offsets[i] = (await next).Offset;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, waited);
        Assert.Equal(Enumerable.Range(11, offsets.Length).Select(i => (long)i), offsets);
        Assert.Equal(0, allocated);
    }
}
