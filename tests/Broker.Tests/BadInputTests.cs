using System.Buffers.Binary;
using LogBroker.TestHosts;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>Every kind of bad request gets its own error code and message, and the broker carries on serving.</summary>
public class BadInputTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private RawClients _raw = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        _raw = new RawClients(_broker.Address);
        await using var admin = _broker.Admin();
        await admin.CreateTopicAsync("good", partitions: 2, configs: new Dictionary<string, string> { ["max.message.bytes"] = "10000" });
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _broker.DisposeAsync();
    }

    private async Task<PartitionProduceResult> Produce(string topic, int partition, byte[] records)
    {
        var response = await _raw.Produce.ProduceAsync(RawClients.ProduceOne(topic, partition, records));
        return response.Topics[0].Partitions[0];
    }

    private async Task AssertStillServing()
    {
        var result = await Produce("good", 0, TestBatches.Create(2));
        Assert.Equal(0, result.ErrorCode);
    }

    [Fact]
    public async Task Unknown_topic_is_unknown_topic_or_partition()
    {
        var result = await Produce("nope", 0, TestBatches.Create(1));

        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, result.ErrorCode);
        Assert.Contains("'nope' does not exist", result.ErrorMessage, StringComparison.Ordinal);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_partition_that_does_not_exist_says_how_many_there_are()
    {
        var result = await Produce("good", 7, TestBatches.Create(1));

        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, result.ErrorCode);
        Assert.Contains("has 2 partition(s); partition 7 does not exist", result.ErrorMessage, StringComparison.Ordinal);
        await AssertStillServing();
    }

    [Fact]
    public async Task Bad_topic_name_is_invalid_topic_on_produce_and_on_create()
    {
        var produced = await Produce("bad name!", 0, TestBatches.Create(1));
        var created = await _raw.Admin.CreateTopicsAsync(new CreateTopicsRequest { Topics = { new NewTopic { Name = "bad/name", Partitions = 1 } } });

        Assert.Equal((int)ErrorCode.InvalidTopicException, produced.ErrorCode);
        Assert.Equal((int)ErrorCode.InvalidTopicException, created.Results[0].ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_batch_with_a_bad_crc_is_corrupt_message_and_nothing_is_stored()
    {
        var batch = TestBatches.Create(3);
        batch[^3] ^= 0x5A;

        var result = await Produce("good", 1, batch);

        Assert.Equal((int)ErrorCode.CorruptMessage, result.ErrorCode);
        Assert.Contains("CRC", result.ErrorMessage, StringComparison.Ordinal);
        var fetched = await _raw.Fetch.FetchAsync(RawClients.FetchOne("good", 1, 0));
        Assert.Equal(0, fetched.Topics[0].Partitions[0].HighWatermark);
        await AssertStillServing();
    }

    [Fact]
    public async Task An_oversized_batch_is_message_too_large()
    {
        var result = await Produce("good", 0, TestBatches.Create(200, valueSize: 100));

        Assert.Equal((int)ErrorCode.MessageTooLarge, result.ErrorCode);
        Assert.Contains("max.message.bytes is 10000", result.ErrorMessage, StringComparison.Ordinal);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_request_larger_than_the_broker_accepts_fails_the_call_and_the_broker_stays_up()
    {
        await using var small = await BrokerHost.StartAsync("--LogBroker:MaxRequestBytes", "65536");
        using var raw = new RawClients(small.Address);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await raw.Produce.ProduceAsync(RawClients.ProduceOne("any", 0, new byte[100_000])));

        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, error.StatusCode);
        var metadata = await raw.Metadata.GetMetadataAsync(new MetadataRequest());
        Assert.Single(metadata.Brokers);
    }

    [Fact]
    public async Task Garbage_bytes_are_corrupt_message()
    {
        var result = await Produce("good", 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

        Assert.Equal((int)ErrorCode.CorruptMessage, result.ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_negative_length_is_refused()
    {
        var batch = TestBatches.Create(2);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.BatchLength), -20);

        var result = await Produce("good", 0, batch);

        Assert.Equal((int)ErrorCode.CorruptMessage, result.ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task Negative_and_past_the_end_fetch_offsets_are_offset_out_of_range()
    {
        var negative = await _raw.Fetch.FetchAsync(RawClients.FetchOne("good", 0, -5));
        var past = await _raw.Fetch.FetchAsync(RawClients.FetchOne("good", 0, 1_000_000));

        Assert.Equal((int)ErrorCode.OffsetOutOfRange, negative.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((int)ErrorCode.OffsetOutOfRange, past.Topics[0].Partitions[0].ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task Fetching_an_unknown_partition_and_invalid_sizes_get_their_codes()
    {
        var unknown = await _raw.Fetch.FetchAsync(RawClients.FetchOne("good", 9, 0));
        var badSize = RawClients.FetchOne("good", 0, 0);
        badSize.Topics[0].Partitions[0].MaxBytes = 0;
        var invalid = await _raw.Fetch.FetchAsync(badSize);
        var badWait = RawClients.FetchOne("good", 0, 0, maxWaitMs: -1);
        var invalidRequest = await _raw.Fetch.FetchAsync(badWait);

        Assert.Equal((int)ErrorCode.UnknownTopicOrPartition, unknown.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((int)ErrorCode.InvalidFetchSize, invalid.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((int)ErrorCode.InvalidRequest, invalidRequest.Topics[0].Partitions[0].ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task An_unknown_acks_value_is_invalid_required_acks()
    {
        var request = RawClients.ProduceOne("good", 0, TestBatches.Create(1));
        request.Acks = (Acks)42;

        var response = await _raw.Produce.ProduceAsync(request);

        Assert.Equal((int)ErrorCode.InvalidRequiredAcks, response.Topics[0].Partitions[0].ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task Negative_list_offsets_timestamps_other_than_earliest_and_latest_are_invalid()
    {
        var response = await _raw.Fetch.ListOffsetsAsync(new ListOffsetsRequest
        {
            Topics = { new TopicListOffsets { Topic = "good", Partitions = { new PartitionListOffsets { Partition = 0, Timestamp = -7 } } } },
        });

        Assert.Equal((int)ErrorCode.InvalidRequest, response.Topics[0].Partitions[0].ErrorCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_subscription_listing_a_partition_twice_or_a_negative_offset_gets_errors_and_serves_the_rest()
    {
        var request = new SubscribeRequest
        {
            Partitions =
            {
                new TopicPartitionOffset { Topic = "good", Partition = 0, Offset = 0 },
                new TopicPartitionOffset { Topic = "good", Partition = 0, Offset = 0 },
                new TopicPartitionOffset { Topic = "good", Partition = 1, Offset = -3 },
            },
        };
        await Produce("good", 0, TestBatches.Create(2));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = _raw.Fetch.Subscribe(request, cancellationToken: timeout.Token);

        var responses = new List<SubscribeResponse>();
        while (responses.Count < 3 && await call.ResponseStream.MoveNext(timeout.Token))
        {
            responses.Add(call.ResponseStream.Current);
        }

        Assert.Contains(responses, r => r.ErrorCode == (int)ErrorCode.InvalidRequest && r.ErrorMessage.Contains("listed more than once", StringComparison.Ordinal));
        Assert.Contains(responses, r => r.Partition == 1 && r.ErrorCode == (int)ErrorCode.OffsetOutOfRange);
        Assert.Contains(responses, r => r.Partition == 0 && r.ErrorCode == 0 && r.Records.Length > 0);
        await AssertStillServing();
    }
}
