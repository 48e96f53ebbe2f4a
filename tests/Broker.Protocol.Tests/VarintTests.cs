using FsCheck.Xunit;
using LogBroker.Protocol.Wire;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class VarintTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(2, new byte[] { 0x04 })]
    [InlineData(63, new byte[] { 0x7e })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    public void Zigzag_encoding_matches_the_documented_examples(int value, byte[] expected)
    {
        var buffer = new byte[Varint.MaxInt32Bytes];

        var written = Varint.WriteInt32(buffer, value);

        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Varint.SizeOfInt32(value));
    }

    [Property(MaxTest = 500)]
    public bool Int32_round_trips(int value)
    {
        var buffer = new byte[Varint.MaxInt32Bytes];
        var written = Varint.WriteInt32(buffer, value);
        return Varint.TryReadInt32(buffer, out var read, out var consumed) && read == value && consumed == written;
    }

    [Property(MaxTest = 500)]
    public bool Int64_round_trips(long value)
    {
        var buffer = new byte[Varint.MaxInt64Bytes];
        var written = Varint.WriteInt64(buffer, value);
        return Varint.TryReadInt64(buffer, out var read, out var consumed) && read == value && consumed == written && written == Varint.SizeOfInt64(value);
    }

    [Fact]
    public void Truncated_and_overlong_encodings_are_refused()
    {
        Assert.False(Varint.TryReadInt32([0x80], out _, out _));
        Assert.False(Varint.TryReadInt32([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], out _, out _));
        Assert.False(Varint.TryReadInt64([.. Enumerable.Repeat((byte)0xFF, 11)], out _, out _));
    }
}
