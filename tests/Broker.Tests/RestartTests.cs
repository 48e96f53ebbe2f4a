using System.Collections.Concurrent;
using System.Text;
using LogBroker.TestHosts;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Broker.Tests;

public class RestartTests
{
    [Fact]
    public async Task After_a_clean_stop_every_acknowledged_record_and_topic_config_is_there_without_recovery()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("ledger", partitions: 3, configs: new Dictionary<string, string> { ["retention.ms"] = "86400000" });
        }

        var acked = new List<(DeliveryResult, string)>();
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 3000; i++)
            {
                acked.Add((await producer.ProduceAsync("ledger", Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}")), $"v{i}"));
            }
        }

        await broker.StopAsync();
        Assert.True(File.Exists(Path.Combine(broker.Data.Path, LogManager.CleanShutdownFileName)));
        await broker.StartAgainAsync();

        Assert.True(broker.Services.GetRequiredService<LogManager>().HadCleanShutdown);
        Assert.All(broker.Services.GetRequiredService<LogManager>().Logs, log => Assert.False(log.WasRecovered));
        await using (var admin = broker.Admin())
        {
            var topic = (await admin.DescribeTopicsAsync(["ledger"]))[0];
            Assert.Equal("86400000", topic.Configs["retention.ms"]);
            Assert.Equal(3000, topic.Partitions.Sum(p => p.HighWatermark));
        }

        await AssertAllPresent(broker.ConsumerOptions, "ledger", 3, acked);
    }

    [Fact]
    public async Task After_kill_9_while_producing_every_acknowledged_record_is_there_and_nothing_corrupt_is_served()
    {
        await using var broker = await ChildBroker.StartAsync();
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("payments", partitions: 4);
        }

        var acked = new ConcurrentBag<(DeliveryResult, string)>();
        using var stopProducing = new CancellationTokenSource();
        var producing = Task.Run(async () =>
        {
            await using var producer = new Producer(new ProducerOptions
            {
                BootstrapServers = broker.Address,
                Linger = TimeSpan.FromMilliseconds(1),
                DeliveryTimeout = TimeSpan.FromSeconds(3),
                RequestTimeout = TimeSpan.FromSeconds(2),
                MaxBlock = TimeSpan.FromSeconds(3),
            });
            var inFlight = new List<Task>();
            for (var i = 0; !stopProducing.IsCancellationRequested; i++)
            {
                var send = producer.ProduceAsync("payments", Encoding.UTF8.GetBytes($"acct-{i % 50}"), Encoding.UTF8.GetBytes($"payment-{i}"));
                inFlight.Add(Track(send, $"payment-{i}", acked));
                if (inFlight.Count >= 256)
                {
                    await Task.WhenAll(inFlight);
                    inFlight.Clear();
                }
            }

            await Task.WhenAll(inFlight);
        });

        await Testing.Eventually.True(() => acked.Count >= 30_000, "30,000 records to be acknowledged", TimeSpan.FromMinutes(2));
        broker.Kill(); // mid-stream: requests in flight, batches half-written maybe
        await stopProducing.CancelAsync();
        await producing;

        await broker.StartAgainAsync();
        var options = new ConsumerOptions { BootstrapServers = broker.Address, FetchMaxWait = TimeSpan.FromMilliseconds(100) };
        await AssertAllPresent(options, "payments", 4, [.. acked]);
    }

    private static async Task Track(ValueTask<DeliveryResult> send, string value, ConcurrentBag<(DeliveryResult, string)> acked)
    {
        try
        {
            acked.Add((await send, value));
        }
        catch (LogBrokerException)
        {
            // not acknowledged: the broker died first; it may or may not be stored
        }
    }

    /// <summary>Reads every partition to its end and checks each acknowledged record is at its offset with its value.</summary>
    private static async Task AssertAllPresent(ConsumerOptions options, string topic, int partitions, List<(DeliveryResult Result, string Value)> acked)
    {
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = options.BootstrapServers });
        var ends = await admin.ListOffsetsAsync(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), OffsetSpecs.Latest);
        await using var consumer = new Consumer(options);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var stored = new Dictionary<(int, long), string>();
        var total = ends.Values.Sum(e => e.Offset);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (stored.Count < total)
        {
            var record = await consumer.ConsumeOneAsync(timeout.Token); // checks every batch's CRC
            stored[(record.Partition, record.Offset)] = record.ValueAsString()!;
        }

        foreach (var (result, value) in acked)
        {
            Assert.True(stored.TryGetValue((result.Partition, result.Offset), out var found), $"acknowledged record {result.Partition}/{result.Offset} is missing");
            Assert.Equal(value, found);
        }

        Assert.Equal(acked.Count, acked.Select(a => (a.Result.Partition, a.Result.Offset)).Distinct().Count());
    }
}
