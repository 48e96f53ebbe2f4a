using System.Diagnostics;
using System.Text;
using LogBroker.Broker.Partitions;
using LogBroker.TestHosts;
using LogBroker.Client;
using LogBroker.Protocol.Grpc;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests;

public class LongPollAndPushTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_produce_lands_not_at_its_deadline()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("waiting");
        using var raw = new RawClients(broker.Address);
        var clock = Stopwatch.StartNew();

        // Waits up to 25 s for one byte; nothing is there yet.
        var fetch = raw.Fetch.FetchAsync(RawClients.FetchOne("waiting", 0, 0, maxWaitMs: 25_000, minBytes: 1)).ResponseAsync;
        var fetches = broker.Services.GetRequiredService<FetchManager>();
        await Eventually.True(() => fetches.WaitingFetches == 1, "the fetch to park at the broker");
        Assert.False(fetch.IsCompleted);
        await using (var producer = broker.Producer())
        {
            await producer.ProduceAsync("waiting", null, "wake up"u8.ToArray());
        }

        var response = await fetch.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(response.Topics[0].Partitions[0].Records.IsEmpty);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the fetch took {clock.Elapsed}: it waited for its deadline");
    }

    [Fact]
    public async Task A_long_poll_with_nothing_to_read_returns_empty_at_its_deadline()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("quiet");
        using var raw = new RawClients(broker.Address);

        var response = await raw.Fetch.FetchAsync(RawClients.FetchOne("quiet", 0, 0, maxWaitMs: 300, minBytes: 1));

        Assert.True(response.Topics[0].Partitions[0].Records.IsEmpty);
        Assert.Equal(0, response.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task A_stalled_push_subscriber_does_not_make_the_broker_buffer_and_later_gets_everything()
    {
        await using var broker = await ChildBroker.StartAsync();
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("firehose");
        }

        using var raw = new RawClients(broker.Address);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var subscription = raw.Fetch.Subscribe(new SubscribeRequest { MaxBytes = 1 << 20, Partitions = { new LogBroker.Protocol.Grpc.TopicPartitionOffset { Topic = "firehose", Partition = 0, Offset = 0 } } }, cancellationToken: stop.Token);
        var baseline = broker.ResidentAnonymousBytes();

        // 512 MiB produced while the subscriber reads nothing at all.
        const int Batches = 8192;
        var value = new byte[16 * 1024 - 100];
        long peak = 0;
        await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address, BatchSize = 64 * 1024, Linger = TimeSpan.FromMilliseconds(5) }))
        {
            for (var i = 0; i < Batches * 4; i++)
            {
                producer.Produce("firehose", null, value);
                if (i % 512 == 0)
                {
                    peak = Math.Max(peak, broker.ResidentAnonymousBytes());
                }
            }

            await producer.FlushAsync();
        }

        peak = Math.Max(peak, broker.ResidentAnonymousBytes());
        var growth = peak - baseline;
        output.WriteLine($"broker RssAnon: baseline {baseline >> 20} MiB, peak {peak >> 20} MiB while 512 MiB sat unread");
        Assert.True(growth < 256L * 1024 * 1024, $"broker anonymous memory grew by {growth / (1 << 20)} MiB while 512 MiB went unread");

        // Now read it all: every record arrives, in order.
        long expected = 0;
        while (expected < Batches * 4)
        {
            Assert.True(await subscription.ResponseStream.MoveNext(stop.Token));
            var pushed = subscription.ResponseStream.Current;
            Assert.Equal(0, pushed.ErrorCode);
            foreach (var record in TestBatches.Decode(pushed.Records.Span))
            {
                if (record.Offset >= expected)
                {
                    Assert.Equal(expected, record.Offset);
                    expected++;
                }
            }
        }
    }

    [Fact]
    public async Task A_push_consumer_keeps_up_with_a_producer_and_sees_each_record_soon_after_it_is_acked()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("ticks");
        await using var consumer = broker.Consumer(o => o with { FetchMode = FetchMode.Push, AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Assign([new LogBroker.Protocol.TopicPartition("ticks", 0)]);
        await using var producer = broker.Producer(o => o with { Linger = TimeSpan.Zero });

        for (var i = 0; i < 200; i++)
        {
            var acked = await producer.ProduceAsync("ticks", null, Encoding.UTF8.GetBytes($"t{i}"));
            using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var record = await consumer.ConsumeOneAsync(soon.Token);
            Assert.Equal(acked.Offset, record.Offset);
            Assert.Equal($"t{i}", record.ValueAsString());
        }
    }
}
