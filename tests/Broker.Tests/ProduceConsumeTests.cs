using System.Text;
using LogBroker.TestHosts;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Partitioning;
using Xunit;

namespace LogBroker.Broker.Tests;

public class ProduceConsumeTests
{
    [Fact]
    public async Task Hundred_thousand_keyed_records_come_back_once_each_in_order_on_the_partition_murmur2_picks()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("orders", partitions: 3);
        }

        const int Count = 100_000;
        var acked = new DeliveryResult[Count];
        await using (var producer = broker.Producer())
        {
            var pending = new List<Task>(Count);
            for (var i = 0; i < Count; i++)
            {
                var index = i;
                pending.Add(Produce(producer, index, acked));
            }

            await Task.WhenAll(pending);
        }

        await using var consumer = broker.Consumer();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("orders", p, Offset.Beginning)));
        var seen = new Dictionary<int, (int Partition, long Offset)>(Count);
        var lastOffset = new long[] { -1, -1, -1 };
        var lastSequencePerKey = new Dictionary<string, int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var record in consumer.ConsumeAsync(timeout.Token))
        {
            var value = record.ValueAsString()!;
            var index = int.Parse(value.AsSpan(value.IndexOf('#') + 1), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(seen.TryAdd(index, (record.Partition, record.Offset)), $"record {index} delivered twice");
            Assert.True(record.Offset > lastOffset[record.Partition], "offsets go backwards within a partition");
            lastOffset[record.Partition] = record.Offset;

            var key = record.KeyAsString()!;
            Assert.Equal(DefaultPartitioner.PartitionForKey(Encoding.UTF8.GetBytes(key), 3), record.Partition);
            if (lastSequencePerKey.TryGetValue(key, out var previous))
            {
                Assert.True(index > previous, $"key {key}: record {index} after {previous}");
            }

            lastSequencePerKey[key] = index;
            if (seen.Count == Count)
            {
                break;
            }
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal((acked[i].Partition, acked[i].Offset), seen[i]);
        }
    }

    private static async Task Produce(Producer producer, int index, DeliveryResult[] acked)
    {
        var key = $"customer-{index % 997}";
        acked[index] = await producer.ProduceAsync("orders", Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"order#{index}"));
    }

    [Fact]
    public async Task Replay_from_an_offset_returns_exactly_the_records_from_there_on()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("events");
        await using var producer = broker.Producer();
        for (var i = 0; i < 500; i++)
        {
            await producer.ProduceAsync("events", null, Encoding.UTF8.GetBytes($"e{i}"));
        }

        await using var consumer = broker.Consumer();
        consumer.Assign(new TopicPartitionOffset("events", 0, 123));

        var replayed = await ReadAsync(consumer, 500 - 123);

        Assert.Equal(Enumerable.Range(123, 377).Select(i => (long)i), replayed.Select(r => r.Offset));
        Assert.Equal("e123", replayed[0].ValueAsString());

        consumer.Seek(new TopicPartition("events", 0), 490);
        var again = await ReadAsync(consumer, 10);
        Assert.Equal(Enumerable.Range(490, 10).Select(i => (long)i), again.Select(r => r.Offset));
    }

    [Fact]
    public async Task Replay_from_a_timestamp_starts_at_the_first_record_at_or_after_it()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("readings");
        await using var producer = broker.Producer();
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 100; i++)
        {
            await producer.ProduceAsync("readings", null, Encoding.UTF8.GetBytes($"r{i}"), timestamp: start.AddMinutes(i).ToUnixTimeMilliseconds());
        }

        await using var consumer = broker.Consumer();
        var partition = new TopicPartition("readings", 0);
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        await consumer.SeekToTimestampAsync(start.AddMinutes(42).AddSeconds(30));

        var replayed = await ReadAsync(consumer, 57);

        Assert.Equal(43, replayed[0].Offset);
        Assert.Equal(start.AddMinutes(43), replayed[0].Timestamp);
        Assert.Equal(99, replayed[^1].Offset);

        await consumer.SeekToTimestampAsync(start.AddDays(1)); // after everything: the end
        Assert.Equal(100, await PositionOnceResolved(consumer, partition));
    }

    [Fact]
    public async Task Headers_null_keys_null_values_and_lz4_round_trip()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("mixed");
        await using var producer = broker.Producer(o => o with { Compression = CompressionType.Lz4 });
        RecordHeader[] headers = [new("trace", "abc"u8.ToArray()), RecordHeader.Null("empty")];
        await producer.ProduceAsync("mixed", null, "v1"u8.ToArray(), headers);
        await producer.ProduceAsync("mixed", "k"u8.ToArray(), null);

        await using var consumer = broker.Consumer();
        consumer.Assign(new TopicPartitionOffset("mixed", 0, Offset.Beginning));
        var records = await ReadAsync(consumer, 2);

        Assert.True(records[0].KeyIsNull);
        Assert.Equal("v1", records[0].ValueAsString());
        var read = records[0].Headers.ToList();
        Assert.Equal("trace", read[0].Key);
        Assert.Equal("abc"u8.ToArray(), read[0].Value);
        Assert.Equal("empty", read[1].Key);
        Assert.Null(read[1].Value);
        Assert.True(records[0].Headers.TryGetLast("trace", out var trace) && trace!.Value.Span.SequenceEqual("abc"u8));
        Assert.Equal("k", records[1].KeyAsString());
        Assert.True(records[1].ValueIsNull);
    }

    [Fact]
    public async Task Fire_and_forget_reports_every_delivery_and_flush_waits_for_them()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("clicks", partitions: 4);
        await using var producer = broker.Producer(o => o with { Linger = TimeSpan.FromSeconds(30) });
        var delivered = 0;
        var failed = 0;

        for (var i = 0; i < 1000; i++)
        {
            producer.Produce("clicks", null, Encoding.UTF8.GetBytes($"c{i}"), report =>
            {
                if (report.Succeeded && report.Result.Offset >= 0)
                {
                    Interlocked.Increment(ref delivered);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }

        await producer.FlushAsync(); // must not wait the 30 s linger

        Assert.Equal(1000, delivered);
        Assert.Equal(0, failed);
    }

    [Theory]
    [InlineData(Acks.None)]
    [InlineData(Acks.Leader)]
    [InlineData(Acks.All)]
    public async Task Every_acks_level_stores_the_records(Acks acks)
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("acks");
        await using (var producer = broker.Producer(o => o with { Acks = acks }))
        {
            for (var i = 0; i < 50; i++)
            {
                var result = await producer.ProduceAsync("acks", null, Encoding.UTF8.GetBytes($"a{i}"));
                Assert.Equal(acks == Acks.None ? -1 : i, result.Offset);
            }
        }

        await using var consumer = broker.Consumer();
        consumer.Assign(new TopicPartitionOffset("acks", 0, Offset.Beginning));
        Assert.Equal(50, (await ReadAsync(consumer, 50)).Count);
    }

    [Fact]
    public async Task Log_append_time_topics_report_the_brokers_time()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("stamped", configs: new Dictionary<string, string> { ["message.timestamp.type"] = "LogAppendTime" });
        await using var producer = broker.Producer();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await producer.ProduceAsync("stamped", null, "x"u8.ToArray(), timestamp: 42);

        Assert.InRange(result.TimestampMs, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await using var consumer = broker.Consumer();
        consumer.Assign(new TopicPartitionOffset("stamped", 0, Offset.Beginning));
        Assert.Equal(result.TimestampMs, (await ReadAsync(consumer, 1))[0].TimestampMs);
    }

    [Fact]
    public async Task Push_subscription_delivers_what_the_producer_writes_as_it_writes_it()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("live", partitions: 2);
        await using var consumer = broker.Consumer(o => o with { FetchMode = FetchMode.Push, AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Assign([new TopicPartition("live", 0), new TopicPartition("live", 1)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var reading = ReadAsync(consumer, 20_000, timeout.Token);

        await using (var producer = broker.Producer())
        {
            var sends = Enumerable.Range(0, 20_000).Select(i => producer.ProduceAsync("live", Encoding.UTF8.GetBytes($"k{i % 10}"), Encoding.UTF8.GetBytes($"{i}")).AsTask());
            await Task.WhenAll(sends);
        }

        var records = await reading;
        Assert.Equal(20_000, records.Select(r => r.ValueAsString()).Distinct().Count());
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
        }
    }

    [Theory]
    [InlineData(FetchMode.Poll)]
    [InlineData(FetchMode.Push)]
    public async Task Partitions_of_several_topics_assigned_interleaved_get_their_own_records(FetchMode mode)
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("aaa", partitions: 2);
            await admin.CreateTopicAsync("bbb", partitions: 2);
        }

        TopicPartition[] assigned = [new("aaa", 0), new("bbb", 0), new("aaa", 1), new("bbb", 1)];
        await using (var producer = broker.Producer())
        {
            foreach (var tp in assigned)
            {
                for (var i = 0; i < 50; i++)
                {
                    await producer.ProduceAsync(tp, null, Encoding.UTF8.GetBytes($"{tp.Topic}/{tp.Partition}/{i}"));
                }
            }
        }

        await using var consumer = broker.Consumer(o => o with { FetchMode = mode });
        consumer.Assign(assigned.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var records = await ReadAsync(consumer, 200);

        foreach (var record in records)
        {
            Assert.Equal($"{record.Topic}/{record.Partition}/{record.Offset}", record.ValueAsString());
        }

        Assert.Equal(200, records.Select(r => r.ValueAsString()).Distinct().Count());
    }

    internal static async Task<List<ConsumeResult>> ReadAsync(Consumer consumer, int count, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var records = new List<ConsumeResult>(count);
        while (records.Count < count)
        {
            records.Add(await consumer.ConsumeOneAsync(timeout.Token));
        }

        return records;
    }

    private static async Task<long> PositionOnceResolved(Consumer consumer, TopicPartition partition)
    {
        long position = -1;
        await Testing.Eventually.True(() => (position = consumer.Position(partition) ?? -1) >= 0, "the seek to resolve");
        return position;
    }
}
