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

    [Theory]
    [InlineData("foobar", 3)]
    [InlineData("21", 7)]
    [InlineData("abc", 100)]
    public void Keyed_partition_is_positive_murmur2_modulo_count(string key, int count)
    {
        var expected = (Murmur2.Hash(Encoding.UTF8.GetBytes(key)) & 0x7fffffff) % count;

        Assert.Equal(expected, DefaultPartitioner.PartitionForKey(Encoding.UTF8.GetBytes(key), count));
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
