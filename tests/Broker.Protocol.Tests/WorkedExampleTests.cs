using System.Text;
using LogBroker.Protocol.Batches;
using Xunit;

namespace LogBroker.Protocol.Tests;

/// <summary>The worked example of docs/record-batch-v2.md, byte for byte.</summary>
public class WorkedExampleTests
{
    internal static readonly byte[] ExampleBytes = Convert.FromHexString(
        "0000000000000000" + "00000048" + "00000000" + "02" + "e90730fa" + "0000" + "00000001"
        + "0000018bcfe56800" + "0000018bcfe56805" + "ffffffffffffffff" + "ffff" + "ffffffff" + "00000002"
        + "14000000046b3104763100"
        + "16000a0201" + "0a68656c6c6f00");

    [Fact]
    public void Builder_produces_the_documented_84_bytes()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_700_000_000_000, "k1"u8, "v1"u8);
        builder.Append(1_700_000_000_005, default, "hello"u8, keyIsNull: true);

        var bytes = builder.Build(BatchProducerFields.None, baseOffset: 0, partitionLeaderEpoch: 0).ToArray();

        Assert.Equal(84, bytes.Length);
        Assert.Equal(Convert.ToHexString(ExampleBytes), Convert.ToHexString(bytes));
    }

    [Fact]
    public void Reader_decodes_the_documented_bytes()
    {
        var batch = new RecordBatch(ExampleBytes);

        Assert.Equal(0, batch.BaseOffset);
        Assert.Equal(72, batch.BatchLength);
        Assert.Equal(84, batch.SizeInBytes);
        Assert.Equal(0, batch.PartitionLeaderEpoch);
        Assert.Equal(2, batch.Magic);
        Assert.Equal(0xe90730fau, batch.Crc);
        Assert.True(batch.IsCrcValid);
        Assert.Equal(1, batch.LastOffsetDelta);
        Assert.Equal(1_700_000_000_000, batch.BaseTimestamp);
        Assert.Equal(1_700_000_000_005, batch.MaxTimestamp);
        Assert.Equal(-1, batch.ProducerId);
        Assert.Equal(-1, batch.ProducerEpoch);
        Assert.Equal(-1, batch.BaseSequence);
        Assert.Equal(2, batch.RecordsCount);

        var records = new List<(long Offset, long Timestamp, string? Key, string Value)>();
        foreach (var record in batch.GetRecords())
        {
            records.Add((record.Offset, record.Timestamp, record.KeyIsNull ? null : Encoding.UTF8.GetString(record.Key), Encoding.UTF8.GetString(record.Value)));
        }

        Assert.Equal([(0L, 1_700_000_000_000L, "k1", "v1"), (1L, 1_700_000_000_005L, null, "hello")], records);
    }

    [Fact]
    public void Raw_bytes_of_each_record_are_its_whole_encoding_length_prefix_included()
    {
        var batch = new RecordBatch(ExampleBytes);
        var raw = new List<string>();
        foreach (var record in batch.GetRecords())
        {
            raw.Add(Convert.ToHexString(record.RawBytes));
        }

        Assert.Equal(["14000000046B3104763100", "16000A02010A68656C6C6F00"], raw);
    }

    [Fact]
    public void Validator_accepts_the_documented_bytes()
    {
        var verdict = RecordBatchValidator.Validate(ExampleBytes, 1024, BatchValidationMode.Produce, out var size);

        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal(84, size);
    }
}
