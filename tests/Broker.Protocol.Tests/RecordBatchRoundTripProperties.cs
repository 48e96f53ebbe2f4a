using FsCheck.Xunit;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using Xunit;

namespace LogBroker.Protocol.Tests;

public class RecordBatchRoundTripProperties
{
    [Property(Arbitrary = [typeof(BatchGenerators)], MaxTest = 300)]
    public void Every_record_reads_back_as_written(BatchSpec spec)
    {
        using var builder = new RecordBatchBuilder(spec.Compression);
        foreach (var r in spec.Records)
        {
            var headers = r.Headers.Select(h => h.Value is null ? RecordHeader.Null(h.Key) : new RecordHeader(h.Key, h.Value)).ToArray();
            builder.Append(r.Timestamp, r.Key, r.Value, headers, keyIsNull: r.Key is null, valueIsNull: r.Value is null);
        }

        var bytes = builder.Build(new BatchProducerFields(77, 3, 1000), baseOffset: 500, partitionLeaderEpoch: 9).ToArray();

        var verdict = RecordBatchValidator.Validate(bytes, int.MaxValue, BatchValidationMode.Produce, out var size);
        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal(bytes.Length, size);

        var batch = new RecordBatch(bytes);
        Assert.Equal(spec.Compression, batch.Compression);
        Assert.Equal(500, batch.BaseOffset);
        Assert.Equal(9, batch.PartitionLeaderEpoch);
        Assert.Equal(77, batch.ProducerId);
        Assert.Equal(3, batch.ProducerEpoch);
        Assert.Equal(1000, batch.BaseSequence);
        Assert.Equal(spec.Records.Length, batch.RecordsCount);
        Assert.Equal(spec.Records.Max(r => r.Timestamp), batch.MaxTimestamp);

        using var scratch = new PooledBufferWriter();
        var i = 0;
        foreach (var record in batch.GetRecords(scratch))
        {
            var expected = spec.Records[i];
            Assert.Equal(500 + i, record.Offset);
            Assert.Equal(expected.Timestamp, record.Timestamp);
            Assert.Equal(expected.Key is null, record.KeyIsNull);
            Assert.Equal(expected.Key ?? [], record.Key.ToArray());
            Assert.Equal(expected.Value is null, record.ValueIsNull);
            Assert.Equal(expected.Value ?? [], record.Value.ToArray());
            var h = 0;
            foreach (var header in record.Headers)
            {
                Assert.Equal(expected.Headers[h].Key, header.KeyAsString());
                Assert.Equal(expected.Headers[h].Value is null, header.ValueIsNull);
                Assert.Equal(expected.Headers[h].Value ?? [], header.Value.ToArray());
                h++;
            }

            Assert.Equal(expected.Headers.Length, h);
            i++;
        }

        Assert.Equal(spec.Records.Length, i);
    }

    [Property(Arbitrary = [typeof(BatchGenerators)], MaxTest = 100)]
    public void A_builder_reused_after_reset_builds_identical_batches(BatchSpec spec)
    {
        using var builder = new RecordBatchBuilder(spec.Compression);
        byte[] Build()
        {
            builder.Reset();
            foreach (var r in spec.Records)
            {
                builder.Append(r.Timestamp, r.Key, r.Value, keyIsNull: r.Key is null, valueIsNull: r.Value is null);
            }

            return builder.Build().ToArray();
        }

        Assert.Equal(Build(), Build());
    }
}
