using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests;

/// <summary>
/// kill -9 of a broker process while its cleaner is rewriting a large compacted topic: after the
/// restart every key still reads back with its latest value. The cleaner's I/O is throttled so that
/// one cleaning of the whole topic takes seconds, and the kill lands while cleaned segments are being
/// written (the test waits to see their files).
/// </summary>
public class CompactionCrashTests(ITestOutputHelper output)
{
    private const int Keys = 10_000;
    private const int Updates = 200_000;

    [Fact]
    public async Task Killing_the_broker_while_its_cleaner_compacts_a_large_topic_loses_no_latest_value()
    {
        await using var broker = await ChildBroker.StartAsync("--LogBroker:Cleaner:IoMaxBytesPerSecond", "4000000", "--LogBroker:Cleaner:BackoffMs", "100");
        var partition = new TopicPartition("table", 0);
        var latest = new long[Keys];
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            // Written as a plain topic, then made compacted: the first cleaning then covers all of it.
            await admin.CreateTopicAsync("table", partitions: 1, configs: new Dictionary<string, string> { ["segment.bytes"] = "1048576", ["max.message.bytes"] = "1000000", ["retention.ms"] = "-1" });
            await using (var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address, Acks = Acks.Leader }))
            {
                var padding = new string('.', 80);
                for (var i = 0; i < Updates; i++)
                {
                    var key = i % Keys;
                    producer.Produce("table", Encoding.UTF8.GetBytes($"k{key}"), Encoding.UTF8.GetBytes($"{i}{padding}"), partition: 0);
                    latest[key] = i;
                }

                await producer.FlushAsync();
            }

            await admin.AlterTopicConfigAsync("table", new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["min.cleanable.dirty.ratio"] = "0.01" });
        }

        var directory = Path.Combine(broker.Data.Path, partition.ToString());
        await Eventually.True(() => Directory.EnumerateFiles(directory, "*.cleaned").Any(), "the cleaner to be writing cleaned segments", TimeSpan.FromMinutes(2));
        broker.Kill();
        output.WriteLine($"killed with {string.Join(", ", Directory.EnumerateFiles(directory).Select(Path.GetFileName).Where(f => !f!.EndsWith(".log", StringComparison.Ordinal) && !f.EndsWith("index", StringComparison.Ordinal)))} in {partition}");

        await broker.StartAgainAsync();

        var (afterCrash, read) = await ReadLatest(broker, partition);
        output.WriteLine($"{read} records read back of {Updates} offsets after the restart");
        Assert.Equal(latest, afterCrash);

        // The interrupted cleaning starts over and finishes: still every latest value, now alone.
        var checkpoint = Path.Combine(broker.Data.Path, "cleaner-offset-checkpoint");
        await Eventually.True(() => File.Exists(checkpoint) && OffsetCheckpointFile.Read(checkpoint).GetValueOrDefault(partition) > 0, "a cleaning to complete after the restart", TimeSpan.FromMinutes(2));
        var (cleaned, kept) = await ReadLatest(broker, partition);
        output.WriteLine($"{kept} records read back once cleaned");
        Assert.Equal(latest, cleaned);
        Assert.True(kept < Updates / 2, $"{kept} records kept of {Updates}");
    }

    /// <summary>Reads the partition from its start to its high watermark: the last update read per key, and how many records there were.</summary>
    private static async Task<(long[] Last, int Records)> ReadLatest(ChildBroker broker, TopicPartition partition)
    {
        var last = new long[Keys];
        Array.Fill(last, -1);
        await using var consumer = new Consumer(new ConsumerOptions { BootstrapServers = broker.Address, FetchMaxWait = TimeSpan.FromMilliseconds(100) });
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var end = (await consumer.QueryWatermarksAsync(partition)).High;
        Assert.Equal(Updates, end);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var read = 0;
        while (consumer.Position(partition) is not { } position || position < end)
        {
            var record = await consumer.ConsumeOneAsync(deadline.Token);
            var key = int.Parse(record.KeyAsString()![1..], System.Globalization.CultureInfo.InvariantCulture);
            var update = int.Parse(record.ValueAsString()!.TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(key, update % Keys); // a value only ever under its own key
            Assert.True(update > last[key], $"k{key}: update {update} read after {last[key]}");
            last[key] = update;
            read++;
        }

        return (last, read);
    }
}
