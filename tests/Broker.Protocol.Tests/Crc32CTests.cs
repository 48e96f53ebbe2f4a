using System.Text;
using LogBroker.Protocol.Wire;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class Crc32CTests
{
    [Fact]
    public void Check_value_of_the_standard_input_matches_Castagnoli()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Empty_input_checksums_to_zero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(1000)]
    public void Append_continues_a_checksum_across_a_split(int split)
    {
        var data = new byte[1001];
        new Random(42).NextBytes(data);

        var whole = Crc32C.Compute(data);
        var pieced = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));

        Assert.Equal(whole, pieced);
    }
}
