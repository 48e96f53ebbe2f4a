using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>FetchRecords and SubscribeRecords answer what Fetch and Subscribe answer, with the record bytes outside the protobuf message.</summary>
public class FramedFetchTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        await using (var admin = _broker.Admin())
        {
            await admin.CreateTopicAsync("framed", partitions: 2);
        }

        await using var producer = _broker.Producer();
        for (var i = 0; i < 200; i++)
        {
            producer.Produce("framed", null, Encoding.UTF8.GetBytes($"v{i}"), partition: i % 2);
        }

        await producer.FlushAsync();
        _channel = GrpcChannel.ForAddress(_broker.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task FetchRecords_carries_the_same_batches_as_Fetch_and_a_header_entry_per_partition_in_request_order()
    {
        var request = new FetchRequest
        {
            MaxBytes = 1 << 20,
            Topics =
            {
                new TopicFetchData
                {
                    Topic = "framed",
                    Partitions =
                    {
                        new PartitionFetchData { Partition = 1, FetchOffset = 0, MaxBytes = 1 << 20 },
                        new PartitionFetchData { Partition = 0, FetchOffset = -5, MaxBytes = 1 << 20 },
                        new PartitionFetchData { Partition = 0, FetchOffset = 0, MaxBytes = 1 << 20 },
                        new PartitionFetchData { Partition = 9, FetchOffset = 0, MaxBytes = 1 << 20 },
                    },
                },
            },
        };
        var plain = await new Fetch.FetchClient(_channel).FetchAsync(request);

        using var frame = await _channel.CreateCallInvoker().AsyncUnaryCall(FramedFetchMethods.FetchRecords, null, default, request);

        var entries = frame.Header.Partitions;
        var results = plain.Topics[0].Partitions;
        Assert.Equal(results.Select(r => (r.Partition, r.ErrorCode, r.HighWatermark, r.LogStartOffset)), entries.Select(e => (e.Partition, e.ErrorCode, e.HighWatermark, e.LogStartOffset)));
        Assert.Equal((int)ErrorCode.OffsetOutOfRange, entries[1].ErrorCode);
        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, entries[3].ErrorCode);
        Assert.Equal(results.SelectMany(r => r.Records.ToByteArray()).ToArray(), frame.Records!.Memory.ToArray());
        Assert.Equal(results.Select(r => r.Records.Length), entries.Select(e => e.RecordsLength));
        Assert.True(entries[0].RecordsLength > 0 && entries[2].RecordsLength > 0);
    }

    [Fact]
    public async Task SubscribeRecords_pushes_one_partition_per_frame_and_refuses_bad_offsets_in_the_stream()
    {
        var request = new SubscribeRequest
        {
            MaxBytes = 1 << 20,
            Partitions =
            {
                new Protocol.Grpc.TopicPartitionOffset { Topic = "framed", Partition = 0, Offset = -1 },
                new Protocol.Grpc.TopicPartitionOffset { Topic = "framed", Partition = 1, Offset = 50 },
            },
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = _channel.CreateCallInvoker().AsyncServerStreamingCall(FramedFetchMethods.SubscribeRecords, null, new CallOptions(cancellationToken: stop.Token), request);

        Assert.True(await call.ResponseStream.MoveNext(stop.Token));
        using (var refused = call.ResponseStream.Current)
        {
            Assert.Equal((int)ErrorCode.OffsetOutOfRange, Assert.Single(refused.Header.Partitions).ErrorCode);
            Assert.Equal(0, refused.Records!.Length);
        }

        Assert.True(await call.ResponseStream.MoveNext(stop.Token));
        using var pushed = call.ResponseStream.Current;
        var entry = Assert.Single(pushed.Header.Partitions);
        Assert.Equal((1, 0, 100L), (entry.Partition, entry.ErrorCode, entry.HighWatermark));
        Assert.Equal(entry.RecordsLength, pushed.Records!.Length);
        Assert.Equal(100, Protocol.Batches.BatchCursor.NextOffsetAfter(pushed.Records.Memory.Span));
    }
}
