using System.Text;
using LogBroker.Client;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>Where a consumer starts: the end, and what <see cref="AutoOffsetReset"/> does with an offset outside the log.</summary>
public class ConsumerPositionTests : IAsyncLifetime
{
    private static readonly TopicPartition Partition = new("positions", 0);
    private BrokerHost _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        await using var admin = _broker.Admin();
        await admin.CreateTopicAsync(Partition.Topic);
        await ProduceAsync(0, 10);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Offset_End_and_SeekToEnd_read_only_what_is_produced_afterwards()
    {
        await using var fromEnd = _broker.Consumer();
        fromEnd.Assign(new TopicPartitionOffset(Partition, Offset.End));
        await using var seeked = _broker.Consumer();
        seeked.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        Assert.Equal(0, (await seeked.ConsumeOneAsync()).Offset);
        seeked.SeekToEnd();
        await Testing.Eventually.True(() => fromEnd.Position(Partition) == 10 && seeked.Position(Partition) == 10, "both positions to resolve to the end");

        await ProduceAsync(10, 1);

        Assert.Equal("r10", (await fromEnd.ConsumeOneAsync()).ValueAsString());
        Assert.Equal("r10", (await seeked.ConsumeOneAsync()).ValueAsString());
    }

    [Theory]
    [InlineData(AutoOffsetReset.Earliest, 0)]
    [InlineData(AutoOffsetReset.Latest, 10)]
    public async Task An_offset_past_the_end_is_reset_as_auto_offset_reset_says(AutoOffsetReset reset, long expectedFirst)
    {
        await using var consumer = _broker.Consumer(o => o with { AutoOffsetReset = reset });
        consumer.Assign(new TopicPartitionOffset(Partition, 5000));
        var reading = consumer.ConsumeOneAsync().AsTask();
        await Testing.Eventually.True(() => consumer.Position(Partition) is { } p && p != 5000, "the out-of-range position to be reset");
        if (reset == AutoOffsetReset.Latest)
        {
            await ProduceAsync(10, 1);
        }

        Assert.Equal(expectedFirst, (await reading).Offset);
    }

    [Fact]
    public async Task An_offset_past_the_end_fails_the_consumer_when_auto_offset_reset_is_error()
    {
        await using var consumer = _broker.Consumer(o => o with { AutoOffsetReset = AutoOffsetReset.Error });
        consumer.Assign(new TopicPartitionOffset(Partition, 5000));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<LogBrokerException>(() => consumer.ConsumeOneAsync(timeout.Token).AsTask());

        Assert.Equal(ErrorCode.OffsetOutOfRange, error.Code);
    }

    private async Task ProduceAsync(int first, int count)
    {
        await using var producer = _broker.Producer();
        for (var i = first; i < first + count; i++)
        {
            await producer.ProduceAsync(Partition, null, Encoding.UTF8.GetBytes($"r{i}"));
        }
    }
}
