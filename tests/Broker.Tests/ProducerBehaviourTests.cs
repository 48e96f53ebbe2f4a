using System.Net;
using System.Net.Sockets;
using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>The producer's buffer bound and its retries, against a real broker.</summary>
public class ProducerBehaviourTests
{
    [Fact]
    public async Task A_full_buffer_blocks_the_produce_call_and_fails_it_after_max_block()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("held", partitions: 3);
        }

        // Batches linger for a minute, so each partition's open batch keeps its share of the buffer.
        await using var producer = broker.Producer(o => o with { BatchSize = 16 * 1024, BufferMemory = 32 * 1024, Linger = TimeSpan.FromMinutes(1), MaxBlock = TimeSpan.FromMilliseconds(300) });
        var first = producer.ProduceAsync(new TopicPartition("held", 0), null, "a"u8.ToArray()).AsTask();
        var second = producer.ProduceAsync(new TopicPartition("held", 1), null, "b"u8.ToArray()).AsTask();

        var refused = await Assert.ThrowsAsync<LogBrokerException>(() => producer.ProduceAsync(new TopicPartition("held", 2), null, "c"u8.ToArray()).AsTask());

        Assert.Equal(ErrorCode.RequestTimedOut, refused.Code);
        Assert.Contains("buffer stayed full", refused.Message, StringComparison.Ordinal);
        await producer.FlushAsync();
        Assert.Equal(0, (await first).Offset);
        Assert.Equal(0, (await second).Offset);
        var third = producer.ProduceAsync(new TopicPartition("held", 2), null, "c"u8.ToArray()).AsTask();
        await producer.FlushAsync();
        Assert.Equal(0, (await third).Offset); // the buffer is free again once the batches are delivered
    }

    [Fact]
    public async Task Buffer_memory_counts_bytes_so_large_records_fill_it_sooner_than_batch_slots_would()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("wide", partitions: 4);
        }

        await using var producer = broker.Producer(o => o with { BatchSize = 16 * 1024, BufferMemory = 64 * 1024, Linger = TimeSpan.FromMinutes(1), MaxBlock = TimeSpan.FromMilliseconds(300) });
        var value = new byte[40 * 1024]; // a batch of its own, holding 40 KiB of the 64 KiB buffer
        var first = producer.ProduceAsync(new TopicPartition("wide", 0), null, value).AsTask();

        var refused = await Assert.ThrowsAsync<LogBrokerException>(() => producer.ProduceAsync(new TopicPartition("wide", 1), null, value).AsTask());

        Assert.Equal(ErrorCode.RequestTimedOut, refused.Code);
        await producer.FlushAsync();
        Assert.Equal(0, (await first).Offset);
    }

    [Fact]
    public async Task A_record_larger_than_the_whole_buffer_is_sent_on_its_own()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("large");
        }

        await using var producer = broker.Producer(o => o with { BatchSize = 16 * 1024, BufferMemory = 32 * 1024, MaxBlock = TimeSpan.FromSeconds(30) });
        var small = producer.ProduceAsync("large", null, "small"u8.ToArray());
        var large = await producer.ProduceAsync("large", null, new byte[200 * 1024]);

        Assert.Equal(0, (await small).Offset);
        Assert.Equal(1, large.Offset);
    }

    [Fact]
    public async Task Records_sent_while_the_broker_is_down_are_retried_and_land_in_order_when_it_returns()
    {
        var port = FreePort();
        await using var broker = await BrokerHost.StartAsync("--grpc-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("outage");
        }

        await using var producer = broker.Producer(o => o with { RetryBackoff = TimeSpan.FromMilliseconds(20), RetryBackoffMax = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(0, (await producer.ProduceAsync("outage", null, "before"u8.ToArray())).Offset);

        await broker.StopAsync();
        var during = Enumerable.Range(0, 100).Select(i => producer.ProduceAsync("outage", null, Encoding.UTF8.GetBytes($"during-{i}")).AsTask()).ToList();
        Assert.DoesNotContain(during, t => t.IsCompletedSuccessfully);
        await broker.StartAgainAsync();

        var results = await Task.WhenAll(during);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Offset));
    }

    [Fact]
    public async Task Partitions_added_to_a_topic_are_picked_up_once_metadata_ages_out()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("growing", partitions: 1);
        await using var producer = broker.Producer(o => o with { MetadataMaxAge = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(0, (await producer.ProduceAsync("growing", null, "first"u8.ToArray())).Partition);

        await admin.CreatePartitionsAsync("growing", totalCount: 4);

        await Testing.Eventually.True(
            async () =>
            {
                try
                {
                    return (await producer.ProduceAsync(new TopicPartition("growing", 3), null, "later"u8.ToArray())).Partition == 3;
                }
                catch (LogBrokerException e) when (e.Code == ErrorCode.UnknownTopicOrPartition)
                {
                    return false; // the cached route still has one partition
                }
            },
            "the producer to learn of partition 3");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
