using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Storage;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>
/// A compacted topic through the real broker and client: created with the AdminClient, written with the
/// Producer, cleaned by the broker's own cleaner, and read from the beginning with the Consumer across
/// the gaps compaction leaves.
/// </summary>
public class CompactionEndToEndTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_compacted_topic_keeps_the_latest_value_of_every_key_and_drops_tombstones_read_back_across_offset_gaps()
    {
        await using var broker = await BrokerHost.StartAsync("--LogBroker:Cleaner:BackoffMs", "50");
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("profiles", partitions: 1, configs: new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact",
            ["segment.bytes"] = "16384",
            ["max.message.bytes"] = "8192",
            ["min.cleanable.dirty.ratio"] = "0.01",
            ["delete.retention.ms"] = "0",
        });
        var partition = new TopicPartition("profiles", 0);
        var cleaner = broker.Services.GetRequiredService<LogManager>().Cleaner;
        var latest = new Dictionary<string, string>();
        await using var producer = broker.Producer(o => o with { BatchSize = 4096 });

        await ProduceRounds(producer, latest, rounds: 25, firstKey: 0);
        var deleted = Enumerable.Range(0, 20).Select(k => $"user-{k}").ToList();
        foreach (var key in deleted)
        {
            producer.Produce("profiles", Encoding.UTF8.GetBytes(key), null);
            latest.Remove(key);
        }

        await producer.FlushAsync();
        var tombstonesEnd = await HighWatermark(admin, partition);
        await ProduceRounds(producer, latest, rounds: 3, firstKey: 20); // seals the tombstones' segment

        // Tombstones are dropped by a cleaning after the one that mapped them: more writes, another cleaning.
        await Eventually.True(() => cleaner.FirstDirtyOffset(partition) > tombstonesEnd, "a cleaning past the tombstones", Generous);
        var secondStart = await HighWatermark(admin, partition);
        await ProduceRounds(producer, latest, rounds: 5, firstKey: 20);
        await Eventually.True(() => cleaner.FirstDirtyOffset(partition) > secondStart, "a later cleaning", Generous);

        await using var consumer = broker.Consumer();
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var end = await HighWatermark(admin, partition);
        var read = new List<(long Offset, string Key, string? Value)>();
        using var deadline = new CancellationTokenSource(Generous);
        while (consumer.Position(partition) is not { } position || position < end)
        {
            var record = await consumer.ConsumeOneAsync(deadline.Token);
            read.Add((record.Offset, record.KeyAsString()!, record.ValueAsString()));
        }

        var last = new Dictionary<string, string?>();
        foreach (var (_, key, value) in read)
        {
            last[key] = value;
        }

        Assert.True(read.Zip(read.Skip(1)).All(pair => pair.First.Offset < pair.Second.Offset));
        Assert.True(read.Count < end / 2, $"{read.Count} records of {end} offsets: compaction left no gaps");
        Assert.Equal(latest.OrderBy(kv => kv.Key, StringComparer.Ordinal), last.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.DoesNotContain(read, r => deleted.Contains(r.Key));
    }

    /// <summary>Every key from <paramref name="firstKey"/> to user-199 updated once per round, the value naming key and round.</summary>
    private static async Task ProduceRounds(Producer producer, Dictionary<string, string> latest, int rounds, int firstKey)
    {
        for (var round = 0; round < rounds; round++)
        {
            for (var k = firstKey; k < 200; k++)
            {
                var key = $"user-{k}";
                var value = $"{key}@{Guid.NewGuid():N}";
                producer.Produce("profiles", Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
                latest[key] = value;
            }
        }

        await producer.FlushAsync();
    }

    private static async Task<long> HighWatermark(AdminClient admin, TopicPartition partition) =>
        (await admin.ListOffsetsAsync([partition], OffsetSpecs.Latest))[partition].Offset;
}
