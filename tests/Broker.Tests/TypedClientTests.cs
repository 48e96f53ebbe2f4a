using LogBroker.Client;
using LogBroker.Client.Serialization;
using LogBroker.Protocol.Partitioning;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

public class TypedClientTests
{
    private sealed record Order(string Customer, int Quantity);

    [Fact]
    public async Task Typed_keys_and_json_values_round_trip_and_int_keys_partition_as_big_endian_bytes()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("orders", partitions: 4);
        }

        var json = Serializers.Json<Order>();
        const int Count = 200;
        var acked = new DeliveryResult[Count];
        await using (var producer = new Producer<int, Order>(broker.Producer(), Serializers.Int32, json))
        {
            for (var i = 0; i < Count; i++)
            {
                // every tenth value is null, a tombstone, which must stay null rather than become "null" JSON
                acked[i] = await producer.ProduceAsync("orders", i, i % 10 == 0 ? null : new Order($"c{i}", i));
            }
        }

        var bigEndian = new byte[4];
        for (var i = 0; i < Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bigEndian, i);
            Assert.Equal(DefaultPartitioner.PartitionForKey(bigEndian, 4), acked[i].Partition);
        }

        await using var consumer = broker.Consumer();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset("orders", p, Offset.Beginning)));
        var seen = new HashSet<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await foreach (var record in consumer.ConsumeAsync(timeout.Token))
        {
            var key = record.KeyAs(Serializers.Int32);
            var order = record.ValueAs(json);
            Assert.Equal((acked[key].Partition, acked[key].Offset), (record.Partition, record.Offset));
            Assert.Equal(key % 10 == 0 ? null : new Order($"c{key}", key), order);
            Assert.Equal(key % 10 == 0, record.ValueIsNull);
            Assert.True(seen.Add(key));
            if (seen.Count == Count)
            {
                break;
            }
        }
    }

    [Fact]
    public void Built_in_formats_read_back_what_they_write_and_reject_the_wrong_width()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Serializers.Int64.Serialize(-2L, buffer);
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE], buffer.WrittenSpan.ToArray());
        Assert.Equal(-2L, Serializers.Int64.Deserialize(buffer.WrittenSpan, isNull: false));

        buffer.Clear();
        Serializers.Utf8.Serialize("héllo", buffer);
        Assert.Equal("héllo", Serializers.Utf8.Deserialize(buffer.WrittenSpan, isNull: false));
        Assert.Null(Serializers.Utf8.Deserialize([], isNull: true));
        Assert.Equal(string.Empty, Serializers.Utf8.Deserialize([], isNull: false));

        Assert.Throws<FormatException>(() => Serializers.Int32.Deserialize([1, 2, 3], isNull: false));
        Assert.Throws<FormatException>(() => Serializers.Int64.Deserialize([], isNull: true));
    }
}
