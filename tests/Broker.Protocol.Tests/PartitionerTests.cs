using System.Text;
using LogBroker.Protocol.Partitioning;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class PartitionerTests
{
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_matches_kafkas_test_vectors(string key, int expected)
    {
        Assert.Equal(expected, Murmur2.Hash(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>
    /// Partitions Kafka's Java producer chooses for these keys among 1000 partitions (the table the
    /// kafka-python client checks its own partitioner against), plus the doc's hash vectors taken
    /// through toPositive and modulo by hand: literal expectations, not the formula again.
    /// </summary>
    [Theory]
    [InlineData(new byte[0], 1000, 681)]
    [InlineData(new byte[] { 0x61 }, 1000, 524)]
    [InlineData(new byte[] { 0x61, 0x62 }, 1000, 434)]
    [InlineData(new byte[] { 0x61, 0x62, 0x63 }, 1000, 107)]
    [InlineData(new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 }, 1000, 566)]
    [InlineData(new byte[] { 0x00, 0x20 }, 1000, 742)]
    [InlineData(new byte[] { 0x32, 0x31 }, 1000, 340)] // "21": murmur2 -973932308, positive 1173551340
    [InlineData(new byte[] { 0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72 }, 1000, 166)] // "foobar": murmur2 -790332482, positive 1357151166
    [InlineData(new byte[] { 0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72 }, 16, 14)]
    [InlineData(new byte[] { 0x61, 0x62, 0x63 }, 7, 4)] // "abc": murmur2 479470107
    public void Keyed_partition_matches_kafkas_producer(byte[] key, int partitions, int expected)
    {
        Assert.Equal(expected, DefaultPartitioner.PartitionForKey(key, partitions));
    }

    [Fact]
    public void Unkeyed_records_stick_to_one_partition_until_its_batch_is_sealed()
    {
        var sticky = new StickyPartitioner();
        var first = sticky.Partition("t", 8);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(first, sticky.Partition("t", 8)));

        sticky.OnBatchSealed("t", first, 8);
        var second = sticky.Partition("t", 8);

        Assert.NotEqual(first, second);
        Assert.InRange(second, 0, 7);
    }

    [Fact]
    public void Sealing_a_batch_of_a_partition_no_longer_current_does_not_move_the_topic()
    {
        var sticky = new StickyPartitioner();
        var current = sticky.Partition("t", 8);

        sticky.OnBatchSealed("t", (current + 1) % 8, 8);

        Assert.Equal(current, sticky.Partition("t", 8));
    }
}
