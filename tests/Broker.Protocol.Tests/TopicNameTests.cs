using Xunit;

namespace LogBroker.Protocol.Tests;

public class TopicNameTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("orders.v2_eu-west")]
    [InlineData("__consumer_offsets")]
    public void Kafka_style_names_are_valid(string name) => Assert.True(TopicName.IsValid(name, out _));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/es")]
    [InlineData("ünïcode")]
    public void Other_names_are_refused_with_a_reason(string name)
    {
        Assert.False(TopicName.IsValid(name, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Names_longer_than_249_characters_are_refused() =>
        Assert.False(TopicName.IsValid(new string('a', 250), out _));

    [Theory]
    [InlineData("orders-0", "orders", 0)]
    [InlineData("my-topic-12", "my-topic", 12)]
    public void Partition_directory_names_parse_at_the_last_dash(string name, string topic, int partition)
    {
        Assert.True(TopicPartition.TryParse(name, out var tp));
        Assert.Equal(new TopicPartition(topic, partition), tp);
    }
}
