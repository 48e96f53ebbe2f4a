using System.Text;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;

namespace LogBroker.Testing;

/// <summary>Builds RecordBatch v2 bytes for tests with the production builder.</summary>
public static class TestBatches
{
    /// <summary>A batch of <paramref name="count"/> records "k{i}" → "v{i}" padded to <paramref name="valueSize"/> bytes.</summary>
    public static byte[] Create(int count, long timestamp = 1_700_000_000_000, int valueSize = 16, CompressionType compression = CompressionType.None, string keyPrefix = "k", int firstIndex = 0)
    {
        using var builder = new RecordBatchBuilder(compression);
        for (var i = 0; i < count; i++)
        {
            var key = Encoding.UTF8.GetBytes($"{keyPrefix}{firstIndex + i}");
            var value = new byte[valueSize];
            Encoding.UTF8.GetBytes($"v{firstIndex + i}").AsSpan(0, Math.Min(valueSize, Encoding.UTF8.GetByteCount($"v{firstIndex + i}"))).CopyTo(value);
            builder.Append(timestamp + i, key, value);
        }

        return builder.Build().ToArray();
    }

    /// <summary>A batch with one record per (key, value); a null value is a tombstone.</summary>
    public static byte[] FromPairs(IEnumerable<(string Key, string? Value)> pairs, long timestamp = 1_700_000_000_000, CompressionType compression = CompressionType.None)
    {
        using var builder = new RecordBatchBuilder(compression);
        var i = 0;
        foreach (var (key, value) in pairs)
        {
            builder.Append(timestamp + i++, Encoding.UTF8.GetBytes(key), value is null ? default : Encoding.UTF8.GetBytes(value), valueIsNull: value is null);
        }

        return builder.Build().ToArray();
    }

    /// <summary>
    /// An idempotent producer's batch of <paramref name="count"/> records "k{i}" → "v{i}" (i from
    /// <paramref name="firstIndex"/>), carrying <paramref name="producerId"/>, <paramref name="epoch"/> and
    /// <paramref name="baseSequence"/>; <paramref name="baseOffset"/> matters only to a replicated append, which keeps it.
    /// </summary>
    public static byte[] Idempotent(long producerId, short epoch, int baseSequence, int count = 1, long timestamp = 1_700_000_000_000, int firstIndex = 0, string keyPrefix = "k", CompressionType compression = CompressionType.None, bool transactional = false, long baseOffset = 0)
    {
        using var builder = new RecordBatchBuilder(compression);
        for (var i = 0; i < count; i++)
        {
            builder.Append(timestamp + i, Encoding.UTF8.GetBytes($"{keyPrefix}{firstIndex + i}"), Encoding.UTF8.GetBytes($"v{firstIndex + i}"));
        }

        return builder.Build(new BatchProducerFields(producerId, epoch, baseSequence, transactional), baseOffset).ToArray();
    }

    public static byte[] Concat(params byte[][] batches) => [.. batches.SelectMany(b => b)];

    /// <summary>Every record in a run of batches as (offset, timestamp, key, value); decompresses as needed.</summary>
    public static List<(long Offset, long Timestamp, string Key, string? Value)> Decode(ReadOnlySpan<byte> batches)
    {
        var result = new List<(long, long, string, string?)>();
        using var scratch = new LogBroker.Protocol.Buffers.PooledBufferWriter();
        while (!batches.IsEmpty)
        {
            var batch = new RecordBatch(batches);
            foreach (var record in batch.GetRecords(scratch))
            {
                result.Add((record.Offset, record.Timestamp, Encoding.UTF8.GetString(record.Key), record.ValueIsNull ? null : Encoding.UTF8.GetString(record.Value).TrimEnd('\0')));
            }

            batches = batches[batch.SizeInBytes..];
        }

        return result;
    }
}
