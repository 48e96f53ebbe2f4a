using System.Text;
using LogBroker.Faultlab.Workload;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class RecordIdTests
{
    [Theory]
    [InlineData(0, 0L, 32)]
    [InlineData(2, 123_456_789_012L, 100)]
    [InlineData(int.MaxValue, long.MaxValue, 40)]
    public void An_id_written_into_a_value_reads_back_and_the_rest_is_padding(int producer, long sequence, int size)
    {
        var value = new byte[size];

        new RecordId(producer, sequence).WriteTo(value);

        Assert.True(RecordId.TryRead(value, out var id));
        Assert.Equal(new RecordId(producer, sequence), id);
        Assert.StartsWith($"p{producer}s{sequence}|", Encoding.ASCII.GetString(value), StringComparison.Ordinal);
        Assert.EndsWith(".", Encoding.ASCII.GetString(value), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("p1s2")]
    [InlineData("p-1s2|")]
    [InlineData("pxs2|")]
    [InlineData("p1x2|")]
    public void A_value_faultlab_did_not_write_is_not_read_as_an_id(string value)
    {
        Assert.False(RecordId.TryRead(Encoding.ASCII.GetBytes(value), out _));
    }
}
