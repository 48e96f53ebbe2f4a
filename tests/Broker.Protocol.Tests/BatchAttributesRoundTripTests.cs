using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using Xunit;

namespace LogBroker.Protocol.Tests;

/// <summary>The attribute bits a builder sets are the ones a reader sees, with every other header field intact.</summary>
public class BatchAttributesRoundTripTests
{
    public static TheoryData<CompressionType, TimestampType, bool, bool> Combinations()
    {
        var data = new TheoryData<CompressionType, TimestampType, bool, bool>();
        foreach (var compression in (CompressionType[])[CompressionType.None, CompressionType.Lz4])
        {
            foreach (var timestampType in (TimestampType[])[TimestampType.CreateTime, TimestampType.LogAppendTime])
            {
                foreach (var transactional in (bool[])[false, true])
                {
                    foreach (var control in (bool[])[false, true])
                    {
                        data.Add(compression, timestampType, transactional, control);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Transactional_control_and_timestamp_type_bits_read_back_as_built(CompressionType compression, TimestampType timestampType, bool transactional, bool control)
    {
        using var builder = new RecordBatchBuilder(compression);
        builder.Append(1_700_000_000_000, "k0"u8, "v0"u8);
        builder.Append(1_700_000_000_007, "k1"u8, "v1"u8);

        var bytes = builder.Build(new BatchProducerFields(42, 7, 100, transactional), baseOffset: 10, partitionLeaderEpoch: 3, timestampType, control).ToArray();

        var batch = new RecordBatch(bytes);
        Assert.Equal(compression, batch.Attributes.Compression);
        Assert.Equal(timestampType, batch.Attributes.TimestampType);
        Assert.Equal(transactional, batch.Attributes.IsTransactional);
        Assert.Equal(control, batch.Attributes.IsControl);
        Assert.False(batch.Attributes.HasDeleteHorizon);
        Assert.Equal(42, batch.ProducerId);
        Assert.Equal(7, batch.ProducerEpoch);
        Assert.Equal(100, batch.BaseSequence);
        Assert.Equal(10, batch.BaseOffset);
        Assert.Equal(3, batch.PartitionLeaderEpoch);
        Assert.True(batch.IsCrcValid);
        Assert.True(RecordBatchValidator.Validate(bytes, 1 << 20, BatchValidationMode.Stored, out _).IsValid);

        using var scratch = new PooledBufferWriter();
        var timestamps = new List<long>();
        foreach (var record in batch.GetRecords(scratch))
        {
            timestamps.Add(record.Timestamp);
        }

        // LogAppendTime: every record carries the batch's maxTimestamp, whatever its own delta says.
        Assert.Equal(timestampType == TimestampType.LogAppendTime ? [1_700_000_000_007, 1_700_000_000_007] : [1_700_000_000_000, 1_700_000_000_007], timestamps);
    }

    [Fact]
    public void A_control_batch_from_a_producer_is_refused_but_stored_ones_are_accepted()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "k"u8, "v"u8);
        var bytes = builder.Build(BatchProducerFields.None, isControl: true).ToArray();

        Assert.Equal(BatchInvalidReason.ControlBatchFromClient, RecordBatchValidator.Validate(bytes, 1 << 20, BatchValidationMode.Produce, out _).Reason);
        Assert.True(RecordBatchValidator.Validate(bytes, 1 << 20, BatchValidationMode.Stored, out _).IsValid);
    }

    [Fact]
    public void Each_attribute_bit_is_independent_of_the_others()
    {
        var all = BatchAttributes.Create(CompressionType.Lz4, TimestampType.LogAppendTime, transactional: true, control: true, deleteHorizon: true);

        Assert.Equal(0x7B, all.Value); // 3 | 0x08 | 0x10 | 0x20 | 0x40
        Assert.Equal(TimestampType.CreateTime, all.WithTimestampType(TimestampType.CreateTime).TimestampType);
        Assert.Equal(0x73, all.WithTimestampType(TimestampType.CreateTime).Value);
        Assert.Equal(0x10, BatchAttributes.Create(CompressionType.None, transactional: true).Value);
        Assert.Equal(0x20, BatchAttributes.Create(CompressionType.None, control: true).Value);
        Assert.Equal(0x08, BatchAttributes.Create(CompressionType.None, TimestampType.LogAppendTime).Value);
    }
}
