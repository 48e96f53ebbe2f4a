using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LogBroker.Protocol.Partitioning;
using Xunit;
using GrpcConsumer = LogBroker.Client.Consumer;
using GrpcProducer = LogBroker.Client.Producer;
using GrpcTopicPartitionOffset = LogBroker.Client.TopicPartitionOffset;

namespace LogBroker.Kafka.Tests;

/// <summary>Confluent.Kafka (librdkafka) producing to and consuming from the broker's Kafka listener.</summary>
public sealed class ProduceConsumeTests
{
    [Fact]
    public async Task Keyed_records_land_where_Kafkas_partitioner_puts_them_and_are_consumed_in_a_group_with_commits()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using (var admin = broker.Admin())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "orders", NumPartitions = 3, ReplicationFactor = 1 }]);
        }

        var delivered = new List<DeliveryResult<string, string>>();
        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 30; i++)
            {
                delivered.Add(await producer.ProduceAsync("orders", new Message<string, string> { Key = $"customer-{i % 5}", Value = $"order-{i}" }));
            }
        }

        foreach (var d in delivered)
        {
            Assert.Equal(DefaultPartitioner.PartitionForKey(Encoding.UTF8.GetBytes(d.Message.Key), 3), d.Partition.Value);
        }

        using (var consumer = broker.Consumer("billing"))
        {
            consumer.Subscribe("orders");
            var records = KafkaConsume.Records(consumer, 30);
            Assert.Equal(delivered.Select(d => (d.Partition.Value, d.Offset.Value, d.Message.Value)).Order(), records.Select(r => (r.Partition.Value, r.Offset.Value, r.Message.Value)).Order());
            consumer.Commit();
            consumer.Close();
        }

        // The commits are the broker's own: the gRPC API reports them.
        await using var grpcAdmin = broker.GrpcAdmin();
        var committed = await grpcAdmin.ListGroupOffsetsAsync("billing");
        foreach (var partition in delivered.GroupBy(d => d.Partition.Value))
        {
            Assert.Equal(partition.Max(d => d.Offset.Value) + 1, committed[new LogBroker.Protocol.TopicPartition("orders", partition.Key)].Offset);
        }

        // A new member of the group starts where the group left off.
        using (var producer = broker.Producer())
        {
            await producer.ProduceAsync("orders", new Message<string, string> { Key = "customer-9", Value = "after-restart" });
        }

        using var again = broker.Consumer("billing");
        again.Subscribe("orders");
        Assert.Equal("after-restart", Assert.Single(KafkaConsume.Records(again, 1)).Message.Value);
        again.Close();
    }

    [Fact]
    public async Task Records_cross_between_the_Kafka_and_gRPC_APIs_with_the_same_offsets()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await using (var grpcAdmin = broker.GrpcAdmin())
        {
            await grpcAdmin.CreateTopicAsync("mixed", partitions: 1);
        }

        await using (var grpcProducer = new GrpcProducer(new LogBroker.Client.ProducerOptions { BootstrapServers = broker.GrpcAddress }))
        {
            for (var i = 0; i < 5; i++)
            {
                var result = await grpcProducer.ProduceAsync("mixed", Encoding.UTF8.GetBytes($"g{i}"), Encoding.UTF8.GetBytes($"from-grpc-{i}"));
                Assert.Equal(i, result.Offset);
            }
        }

        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 5; i++)
            {
                var result = await producer.ProduceAsync("mixed", new Message<string, string> { Key = $"k{i}", Value = $"from-kafka-{i}" });
                Assert.Equal(5 + i, result.Offset.Value);
            }
        }

        using (var consumer = broker.Consumer("unused"))
        {
            consumer.Assign(new TopicPartitionOffset("mixed", 0, Offset.Beginning));
            var viaKafka = KafkaConsume.Records(consumer, 10);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), viaKafka.Select(r => r.Offset.Value));
            Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"from-grpc-{i}"), .. Enumerable.Range(0, 5).Select(i => $"from-kafka-{i}")], viaKafka.Select(r => r.Message.Value));
        }

        await using var grpcConsumer = new GrpcConsumer(new LogBroker.Client.ConsumerOptions { BootstrapServers = broker.GrpcAddress });
        grpcConsumer.Assign(new GrpcTopicPartitionOffset[] { new("mixed", 0, LogBroker.Client.Offset.Beginning) });
        var viaGrpc = new List<(long, string?, string?)>();
        using var timeout = new CancellationTokenSource(KafkaConsume.Deadline);
        while (viaGrpc.Count < 10)
        {
            var record = await grpcConsumer.ConsumeOneAsync(timeout.Token);
            viaGrpc.Add((record.Offset, record.KeyAsString(), record.ValueAsString()));
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), viaGrpc.Select(r => r.Item1));
        Assert.Equal("k4", viaGrpc[9].Item2);
        Assert.Equal("from-kafka-4", viaGrpc[9].Item3);
    }

    [Fact]
    public async Task Lz4_batches_from_a_Kafka_producer_are_stored_compressed_and_read_back_by_both_APIs()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using (var admin = broker.Admin())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "compressed", NumPartitions = 1, ReplicationFactor = 1 }]);
        }

        var values = Enumerable.Range(0, 2000).Select(i => $"value-{i}-{new string('x', 50)}").ToList();
        using (var producer = broker.Producer(c => { c.CompressionType = CompressionType.Lz4; c.LingerMs = 50; }))
        {
            foreach (var value in values)
            {
                producer.Produce("compressed", new Message<string, string> { Key = null!, Value = value });
            }

            Assert.Equal(0, producer.Flush(KafkaConsume.Deadline));
        }

        // Stored as the producer sent it: LZ4-compressed batches.
        var segment = Directory.GetFiles(Path.Combine(broker.DataDirectory, "compressed-0"), "*.log").Single();
        var bytes = ReadShared(segment);
        Assert.Equal(LogBroker.Protocol.Compression.CompressionType.Lz4, new LogBroker.Protocol.Batches.RecordBatch(bytes).Compression);

        using (var consumer = broker.Consumer("unused"))
        {
            consumer.Assign(new TopicPartitionOffset("compressed", 0, Offset.Beginning));
            Assert.Equal(values, KafkaConsume.Records(consumer, values.Count).Select(r => r.Message.Value));
        }

        await using var grpcConsumer = new GrpcConsumer(new LogBroker.Client.ConsumerOptions { BootstrapServers = broker.GrpcAddress });
        grpcConsumer.Assign(new GrpcTopicPartitionOffset[] { new("compressed", 0, LogBroker.Client.Offset.Beginning) });
        using var timeout = new CancellationTokenSource(KafkaConsume.Deadline);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i], (await grpcConsumer.ConsumeOneAsync(timeout.Token)).ValueAsString());
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[Math.Min(stream.Length, 1 << 20)];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
