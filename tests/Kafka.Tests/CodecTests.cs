using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogBroker.Broker.Kafka.Protocol;
using Xunit;

namespace LogBroker.Kafka.Tests;

/// <summary>The wire codec alone, without a broker: what the writer writes the reader reads back, and the reader refuses what is malformed.</summary>
public sealed class CodecTests
{
    [Property]
    public void Strings_arrays_and_varints_round_trip_in_both_encodings(bool flexible, string? text, int[] numbers, uint varint, long int64)
    {
        using var writer = new KafkaResponseWriter();
        writer.Start(correlationId: 1, flexibleBody: flexible, flexibleHeader: false);
        var clean = text?.Replace("\uFFFD", string.Empty, StringComparison.Ordinal);
        if (clean is not null && !IsValidUtf16(clean))
        {
            clean = "x";
        }

        writer.WriteNullableString(clean);
        writer.WriteInt32Array(numbers);
        writer.WriteUnsignedVarint(varint);
        writer.WriteInt64(int64);
        writer.WriteTaggedFields();

        var frame = Frame(writer);
        var reader = new KafkaReader(frame.AsMemory(8), flexible);
        Assert.Equal(clean, reader.ReadNullableString());
        Assert.Equal(numbers, reader.ReadInt32Array());
        Assert.Equal(varint, reader.ReadUnsignedVarint());
        Assert.Equal(int64, reader.ReadInt64());
        reader.SkipTaggedFields();
        reader.EnsureEnd();
    }

    [Property]
    public Property Arbitrary_bytes_are_read_or_refused_with_the_protocols_own_exception(byte[] bytes)
    {
        // Whatever the bytes, reading either succeeds or throws the protocol's exception: never another one.
        return Prop.ForAll(Gen.Elements(true, false).ToArbitrary(), flexible =>
        {
            try
            {
                var reader = new KafkaReader(bytes, flexible);
                reader.ReadNullableString();
                reader.ReadArrayCount();
                reader.ReadNullableBytes();
                reader.SkipTaggedFields();
            }
            catch (KafkaProtocolException)
            {
            }
        });
    }

    [Theory]
    [InlineData(new byte[] { 0, 5, (byte)'a' }, false, "truncated")]
    [InlineData(new byte[] { 0xFF, 0xFE }, false, "negative")]
    [InlineData(new byte[] { 0, 2, 0xC3, 0x28 }, false, "UTF-8")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, true, "varint")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x7F }, true, "32 bits")]
    public void Malformed_strings_are_refused_with_a_reason(byte[] bytes, bool flexible, string reason)
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(bytes, flexible);
            reader.ReadNullableString();
        });
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_count_beyond_the_bytes_left_is_refused_before_allocating()
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0, 0 }, flexible: false);
            reader.ReadArrayCount();
        });
        Assert.Contains("exceeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_sets_are_spliced_in_by_reference_and_copied_once_into_the_output()
    {
        var records = new byte[10_000];
        Random.Shared.NextBytes(records);
        using var writer = new KafkaResponseWriter();
        writer.Start(correlationId: 42, flexibleBody: true, flexibleHeader: true);
        writer.WriteInt32(7);
        writer.WriteRecords(records);
        writer.WriteInt16(3);

        Assert.Equal(4 + 1 + 4 + 2 + records.Length + 2, writer.FrameSize); // correlation id, header tags, int32, compact length, records, int16
        var frame = Frame(writer);
        Assert.Equal(writer.FrameSize + 4, frame.Length);
        var reader = new KafkaReader(frame.AsMemory(9), flexible: true);
        Assert.Equal(7, reader.ReadInt32());
        Assert.Equal(records, reader.ReadBytes().ToArray());
        Assert.Equal(3, reader.ReadInt16());
        reader.EnsureEnd();
    }

    private static byte[] Frame(KafkaResponseWriter writer)
    {
        var output = new ArrayBufferWriter<byte>();
        writer.CopyTo(output);
        return output.WrittenSpan.ToArray();
    }

    private static bool IsValidUtf16(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
