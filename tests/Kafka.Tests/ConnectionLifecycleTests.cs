using System.Diagnostics;
using Confluent.Kafka;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LogBroker.Kafka.Tests;

/// <summary>What connections and classic members do over time: long polls, silence, bounded memory.</summary>
public sealed class ConnectionLifecycleTests
{
    [Fact]
    public async Task A_fetch_long_poll_is_answered_when_data_arrives_and_does_not_hold_up_a_stop()
    {
        var broker = await KafkaBrokerHost.StartAsync();
        try
        {
            await using (var admin = broker.GrpcAdmin())
            {
                await admin.CreateTopicAsync("waiting");
            }

            using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);

            // Fetch v4 (the oldest served): wait up to 30 s for a byte at offset 0.
            await connection.SendAsync(RawKafkaConnection.Frame(1, 4, 1, FetchV4Body("waiting", maxWaitMs: 30_000)));
            var answer = connection.ReceiveAsync();
            using (var producer = broker.Producer())
            {
                await producer.ProduceAsync("waiting", new Message<string, string> { Key = "k", Value = "arrived" });
            }

            var (correlationId, body) = (await answer)!.Value;
            Assert.Equal(1, correlationId);
            Assert.True(body.Length > 100, "the response carries the record batch");

            // A second long poll on an empty tail is parked when the broker stops: the stop answers it and goes on.
            await connection.SendAsync(RawKafkaConnection.Frame(1, 4, 2, FetchV4Body("waiting", maxWaitMs: 30_000, offset: 1)));
            var stopping = Stopwatch.StartNew();
            await broker.DisposeAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {stopping.Elapsed}");
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_classic_member_that_falls_silent_is_removed_after_its_session_timeout()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);

        // JoinGroup v2: a member with a 1 s session joins alone (no MEMBER_ID_REQUIRED before v4) and never heartbeats.
        byte[] join =
        [
            .. RawKafkaConnection.String("silent"), .. RawKafkaConnection.Int32(1000), .. RawKafkaConnection.Int32(1000),
            .. RawKafkaConnection.String(string.Empty), .. RawKafkaConnection.String("consumer"),
            .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.String("range"), .. RawKafkaConnection.Int32(0),
        ];
        await connection.SendAsync(RawKafkaConnection.Frame(11, 2, 1, join));
        var reader = new KafkaReader((await connection.ReceiveAsync())!.Value.Body, flexible: false);
        reader.ReadInt32();
        Assert.Equal(0, reader.ReadInt16());
        Assert.Equal(1, reader.ReadInt32()); // generation 1

        using var admin = broker.Admin();
        var described = (await admin.DescribeConsumerGroupsAsync(["silent"])).ConsumerGroupDescriptions.Single();
        Assert.Single(described.Members);
        await Eventually.True(
            async () => (await admin.DescribeConsumerGroupsAsync(["silent"])).ConsumerGroupDescriptions.Single().Members.Count == 0,
            "the silent member to be removed");
    }

    [Fact]
    public async Task Pipelined_requests_beyond_the_memory_bounds_wait_and_are_all_answered()
    {
        await using var broker = await KafkaBrokerHost.StartAsync(
            "--LogBroker:KafkaMaxInFlightBytes", "65536",
            "--LogBroker:KafkaMaxInFlightBytesPerConnection", "32768",
            "--LogBroker:KafkaMaxQueuedRequestsPerConnection", "4");
        await using (var admin = broker.GrpcAdmin())
        {
            await admin.CreateTopicAsync("bounded");
        }

        var burst = new List<byte>();
        for (var i = 0; i < 200; i++)
        {
            burst.AddRange(RawKafkaConnection.Frame(0, 3, i, ProduceV3Body("bounded", TestBatches.Create(8, valueSize: 1000, firstIndex: i * 8))));
        }

        using var connection = await RawKafkaConnection.OpenAsync(broker.Bootstrap);
        var sending = connection.SendAsync([.. burst]); // about 1.7 MB: far more than the connection may hold
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i, (await connection.ReceiveAsync())!.Value.CorrelationId);
        }

        await sending;
        var limits = broker.Services.GetRequiredService<KafkaListenerLimits>();
        Assert.InRange(limits.Total.Peak, 1, 32768);
    }

    private static byte[] FetchV4Body(string topic, int maxWaitMs, long offset = 0) =>
    [
        .. RawKafkaConnection.Int32(-1), .. RawKafkaConnection.Int32(maxWaitMs), .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.Int32(1 << 20), 0,
        .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.String(topic),
        .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.Int32(0), .. BitConverterBigEndian(offset), .. RawKafkaConnection.Int32(1 << 20),
    ];

    private static byte[] ProduceV3Body(string topic, byte[] records) =>
    [
        .. RawKafkaConnection.Int16(-1), .. RawKafkaConnection.Int16(1), .. RawKafkaConnection.Int32(30_000),
        .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.String(topic),
        .. RawKafkaConnection.Int32(1), .. RawKafkaConnection.Int32(0), .. RawKafkaConnection.Int32(records.Length), .. records,
    ];

    private static byte[] BitConverterBigEndian(long value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
