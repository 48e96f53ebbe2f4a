using System.Text;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Producing;
using LogBroker.Protocol.Partitioning;
using Xunit;

namespace LogBroker.Loadgen.Tests;

public class PartitioningTests
{
    [Fact]
    public void Keys_are_distinct_fixed_width_and_on_the_partition_murmur2_picks()
    {
        var keys = new KeySpace(count: 1000, partitionCount: 7);

        var texts = Enumerable.Range(0, keys.Count).Select(i => Encoding.ASCII.GetString(keys.Key(i).Span)).ToList();

        Assert.Equal(1000, texts.Distinct().Count());
        Assert.All(texts, t => Assert.Equal("key-000".Length, t.Length));
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(DefaultPartitioner.PartitionForKey(keys.Key(i).Span, 7), keys.PartitionOf(i));
        }
    }

    [Fact]
    public void Keyed_picks_return_the_key_with_its_partition()
    {
        var keys = new KeySpace(count: 5, partitionCount: 3);
        var picker = new PartitionPicker(keys, partitionCount: 3, producerIndex: 0, recordSize: 100, batchSize: 16384, new Random(1));

        for (var i = 0; i < 100; i++)
        {
            var partition = picker.Next(out var key);
            Assert.NotNull(key);
            Assert.Equal(DefaultPartitioner.PartitionForKey(key.Value.Span, 3), partition);
        }
    }

    [Fact]
    public void Unkeyed_picks_stay_on_a_partition_for_a_batch_of_records_then_move_on()
    {
        var picker = new PartitionPicker(null, partitionCount: 3, producerIndex: 1, recordSize: 100, batchSize: 16384, new Random(1));
        var stint = picker.RecordsPerStint;
        Assert.InRange(stint, 16384 / 130, 16384 / 100);

        var partitions = Enumerable.Range(0, stint * 4).Select(_ => picker.Next(out var key) + (key is null ? 0 : 100)).ToList();

        Assert.Equal(Enumerable.Repeat(1, stint), partitions.Take(stint));
        Assert.Equal(Enumerable.Repeat(2, stint), partitions.Skip(stint).Take(stint));
        Assert.Equal(Enumerable.Repeat(0, stint), partitions.Skip(2 * stint).Take(stint));
        Assert.Equal(Enumerable.Repeat(1, stint), partitions.Skip(3 * stint).Take(stint));
    }

    [Fact]
    public void Values_carry_the_send_time_and_differ_within_a_batch()
    {
        var payload = new PayloadSource(recordSize: 100, batchSize: 65536, new Random(1));

        var first = payload.Next(sendMicros: 123_456).ToArray();
        var second = payload.Next(sendMicros: 654_321).ToArray();

        Assert.Equal(100, first.Length);
        Assert.Equal(123_456, PayloadSource.ReadSendTime(first));
        Assert.Equal(654_321, PayloadSource.ReadSendTime(second));
        Assert.NotEqual(first.AsSpan(8).ToArray(), second.AsSpan(8).ToArray());
        Assert.Equal(-1, PayloadSource.ReadSendTime(new byte[4]));
    }

    [Theory]
    [InlineData("none", 0)]
    [InlineData("NONE", 0)]
    [InlineData("uniform:1", 1)]
    [InlineData("uniform:1000", 1000)]
    public void Key_distributions_parse(string text, int distinct)
    {
        Assert.True(KeyDistribution.TryParse(text, out var keys, out _));
        Assert.Equal(distinct, keys.DistinctKeys);
    }

    [Theory]
    [InlineData("uniform:0")]
    [InlineData("uniform:")]
    [InlineData("uniform:-3")]
    [InlineData("zipf:10")]
    public void Malformed_key_distributions_are_refused_with_a_reason(string text)
    {
        Assert.False(KeyDistribution.TryParse(text, out _, out var error));
        Assert.Contains("uniform:N", error, StringComparison.Ordinal);
    }
}
