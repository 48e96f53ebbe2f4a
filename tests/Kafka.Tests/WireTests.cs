using System.Buffers.Binary;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Kafka.Tests;

/// <summary>The listener's framing and its answers to what no well-behaved client sends, over a bare socket.</summary>
public sealed class WireTests
{
    private const short ApiVersionsKey = 18;
    private const short MetadataKey = 3;
    private const short ProduceKey = 0;

    [Fact]
    public async Task ApiVersions_lists_the_served_APIs_without_transactions_or_producer_ids()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync(RawKafkaConnection.Frame(ApiVersionsKey, 0, 7, []));
        var (correlationId, body) = (await connection.ReceiveAsync())!.Value;
        Assert.Equal(7, correlationId);

        var reader = new KafkaReader(body, flexible: false);
        Assert.Equal(0, reader.ReadInt16());
        var apis = new Dictionary<short, (short Min, short Max)>();
        for (var i = reader.ReadArrayCountNotNull(); i > 0; i--)
        {
            apis[reader.ReadInt16()] = (reader.ReadInt16(), reader.ReadInt16());
        }

        Assert.Equal((3, 10), apis[0]); // Produce
        Assert.Equal((4, 16), apis[1]); // Fetch
        Assert.Contains((short)68, apis.Keys); // ConsumerGroupHeartbeat
        Assert.DoesNotContain((short)22, apis.Keys); // InitProducerId: no producer ids yet
        Assert.DoesNotContain((short)24, apis.Keys); // AddPartitionsToTxn: no transactions
    }

    [Fact]
    public async Task ApiVersions_at_an_unknown_version_is_answered_at_v0_with_UNSUPPORTED_VERSION()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync(RawKafkaConnection.Frame(ApiVersionsKey, 99, 1, [0, 0, 0], flexibleHeader: true));
        var (_, body) = (await connection.ReceiveAsync())!.Value;
        Assert.Equal(35, BinaryPrimitives.ReadInt16BigEndian(body));

        // the connection stays usable: the client retries at a version we serve
        await connection.SendAsync(RawKafkaConnection.Frame(ApiVersionsKey, 0, 2, []));
        Assert.Equal(2, (await connection.ReceiveAsync())!.Value.CorrelationId);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_and_acks_0_produces_get_no_answer()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await using (var admin = broker.GrpcAdmin())
        {
            await admin.CreateTopicAsync("piped");
        }

        var burst = new List<byte>();
        var expected = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            if (i % 4 == 3)
            {
                burst.AddRange(RawKafkaConnection.Frame(ProduceKey, 3, 1000 + i, ProduceBody("piped", acks: 0, TestBatches.Create(5))));
            }
            else
            {
                burst.AddRange(i % 2 == 0
                    ? RawKafkaConnection.Frame(ApiVersionsKey, 0, 1000 + i, [])
                    : RawKafkaConnection.Frame(MetadataKey, 1, 1000 + i, RawKafkaConnection.Int32(-1)));
                expected.Add(1000 + i);
            }
        }

        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync([.. burst]);
        var received = new List<int>();
        foreach (var _ in expected)
        {
            received.Add((await connection.ReceiveAsync())!.Value.CorrelationId);
        }

        Assert.Equal(expected, received);
        await using var grpcAdmin = broker.GrpcAdmin();
        await Eventually.True(
            async () => (await grpcAdmin.ListOffsetsAsync([new LogBroker.Protocol.TopicPartition("piped", 0)], -1)).Values.Single().Offset == 50,
            "the 10 acks=0 produces to be appended");
    }

    [Theory]
    [InlineData("truncated body")]
    [InlineData("array longer than the frame")]
    [InlineData("unknown API key")]
    [InlineData("unsupported version")]
    [InlineData("frame size over the limit")]
    [InlineData("negative frame size")]
    public async Task A_malformed_request_closes_its_connection_and_nothing_else(string malformation)
    {
        await using var broker = await KafkaBrokerHost.StartAsync("--LogBroker:KafkaMaxRequestBytes", "65536");
        using var healthy = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        using var bad = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        byte[] frame = malformation switch
        {
            "truncated body" => RawKafkaConnection.Frame(MetadataKey, 1, 1, [0, 0, 0, 1, 0, 9, (byte)'x']),
            "array longer than the frame" => RawKafkaConnection.Frame(MetadataKey, 1, 1, RawKafkaConnection.Int32(1_000_000)),
            "unknown API key" => RawKafkaConnection.Frame(999, 0, 1, []),
            "unsupported version" => RawKafkaConnection.Frame(ProduceKey, 1, 1, []),
            "frame size over the limit" => [.. RawKafkaConnection.Int32(1 << 20), .. new byte[64]],
            _ => [.. RawKafkaConnection.Int32(-5), .. new byte[8]],
        };

        await bad.SendAsync(frame);
        Assert.True(await bad.IsClosedByBrokerAsync(), $"the broker closes a connection that sent a request with a {malformation}");

        await healthy.SendAsync(RawKafkaConnection.Frame(ApiVersionsKey, 0, 5, []));
        Assert.Equal(5, (await healthy.ReceiveAsync())!.Value.CorrelationId);
    }

    [Fact]
    public async Task A_request_larger_than_the_sockets_buffer_is_read_whole()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await using (var admin = broker.GrpcAdmin())
        {
            await admin.CreateTopicAsync("large", configs: new Dictionary<string, string> { ["max.message.bytes"] = "8388608" });
        }

        var batch = TestBatches.Create(4, valueSize: 1 << 20); // 4 MiB: past the transport's 1 MiB read buffer
        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync(RawKafkaConnection.Frame(ProduceKey, 3, 9, ProduceBody("large", acks: 1, batch)));
        var (correlationId, body) = (await connection.ReceiveAsync())!.Value;
        Assert.Equal(9, correlationId);

        var reader = new KafkaReader(body, flexible: false);
        Assert.Equal(1, reader.ReadArrayCountNotNull());
        Assert.Equal("large", reader.ReadString());
        Assert.Equal(1, reader.ReadArrayCountNotNull());
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal(0, reader.ReadInt16()); // no error
        Assert.Equal(0, reader.ReadInt64()); // base offset
    }

    [Fact]
    public async Task A_failed_acks_0_produce_closes_its_connection_as_Kafka_does()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync(RawKafkaConnection.Frame(ProduceKey, 3, 1, ProduceBody("no-such-topic", acks: 0, TestBatches.Create(1))));
        Assert.True(await connection.IsClosedByBrokerAsync());
    }

    [Fact]
    public async Task OffsetForLeaderEpoch_tells_where_an_epoch_ends_and_refuses_epochs_it_does_not_have()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await using (var admin = broker.GrpcAdmin())
        {
            await admin.CreateTopicAsync("epochs");
        }

        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        await connection.SendAsync(RawKafkaConnection.Frame(ProduceKey, 3, 1, ProduceBody("epochs", acks: 1, TestBatches.Create(7))));
        await connection.ReceiveAsync();

        // v2: per topic, partitions of (partition, current leader epoch, epoch asked about)
        byte[] query(int currentLeaderEpoch) =>
        [
            .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.String("epochs"),
            .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.Int32(0), .. RawKafkaConnection.Int32(currentLeaderEpoch), .. RawKafkaConnection.Int32(0),
        ];
        var answers = new List<(short Error, int Epoch, long EndOffset)>();
        foreach (var current in new[] { -1, 0, 3 })
        {
            await connection.SendAsync(RawKafkaConnection.Frame(23, 2, 2, query(current)));
            var reader = new KafkaReader((await connection.ReceiveAsync())!.Value.Body, flexible: false);
            reader.ReadInt32(); // throttle
            reader.ReadArrayCountNotNull();
            reader.ReadString();
            reader.ReadArrayCountNotNull();
            var error = reader.ReadInt16();
            reader.ReadInt32(); // partition
            answers.Add((error, reader.ReadInt32(), reader.ReadInt64()));
        }

        Assert.Equal(((short)0, 0, 7L), answers[0]); // no current epoch given: not checked
        Assert.Equal(((short)0, 0, 7L), answers[1]); // epoch 0 is the current one: it reaches the log end
        Assert.Equal(75, answers[2].Error); // UNKNOWN_LEADER_EPOCH: the client is ahead of this broker
    }

    /// <summary>Produce v3: null transactional id, acks, timeout, one topic with partition 0 holding <paramref name="records"/>.</summary>
    private static byte[] ProduceBody(string topic, short acks, byte[] records) =>
    [
        .. RawKafkaConnection.Int16(-1),
        .. RawKafkaConnection.Int16(acks),
        .. RawKafkaConnection.Int32(30_000),
        .. RawKafkaConnection.Int32(1),
        .. RawKafkaConnection.String(topic),
        .. RawKafkaConnection.Int32(1),
        .. RawKafkaConnection.Int32(0),
        .. RawKafkaConnection.Int32(records.Length),
        .. records,
    ];
}
