using LogBroker.Protocol.Batches;
using LogBroker.Storage.Log;
using LogBroker.Storage.Producers;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// Idempotent producers' appends for tests. Every record's key names who wrote it and with which
/// sequence ("p{producer}.{epoch}.{sequence}"), so a record stored twice shows up as a repeated key.
/// </summary>
internal static class Producing
{
    public static byte[] Batch(long producerId, short epoch, int sequence, int count = 2, long timestamp = 1_700_000_000_000, long baseOffset = 0) =>
        TestBatches.Idempotent(producerId, epoch, sequence, count, timestamp, firstIndex: 0, keyPrefix: $"p{producerId}.{epoch}.{sequence}+", baseOffset: baseOffset);

    /// <summary>Appends one batch of <paramref name="count"/> records as a producer would; the high watermark follows.</summary>
    public static AppendResult Send(this PartitionLog log, long producerId, short epoch, int sequence, int count = 2, long timestamp = 1_700_000_000_000)
    {
        var result = log.Append(Batch(producerId, epoch, sequence, count, timestamp), leaderEpoch: 0);
        log.UpdateHighWatermark(log.LogEndOffset);
        return result;
    }

    /// <summary>As <see cref="Send"/>, asserting the batch was appended (not refused, not a duplicate).</summary>
    public static AppendResult SendOk(this PartitionLog log, long producerId, short epoch, int sequence, int count = 2, long timestamp = 1_700_000_000_000)
    {
        var before = log.LogEndOffset;
        var result = log.Send(producerId, epoch, sequence, count, timestamp);
        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.False(result.IsDuplicate);
        Assert.Equal(before, result.FirstOffset);
        return result;
    }

    /// <summary>The state of <paramref name="producerId"/>, failing when the log has none.</summary>
    public static ProducerState StateOf(this PartitionLog log, long producerId) =>
        Assert.Single(log.ProducerStates, s => s.ProducerId == producerId);

    /// <summary>Every batch header in the log, from the log start to the log end: (base offset, producer id, epoch, base sequence, records).</summary>
    public static List<(long BaseOffset, long ProducerId, short Epoch, int BaseSequence, int Records)> Batches(this PartitionLog log)
    {
        var batches = new List<(long, long, short, int, int)>();
        var offset = log.LogStartOffset;
        while (offset < log.LogEndOffset)
        {
            using var read = log.Read(offset, 1 << 20, log.LogEndOffset);
            Assert.False(read.IsEmpty, $"read at {offset} below the log end {log.LogEndOffset} came back empty");
            var bytes = read.Records.Span;
            while (!bytes.IsEmpty)
            {
                var batch = new RecordBatch(bytes);
                batches.Add((batch.BaseOffset, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.RecordsCount));
                offset = batch.NextOffset;
                bytes = bytes[batch.SizeInBytes..];
            }
        }

        return batches;
    }

    /// <summary>Asserts that no record key occurs twice in the log: no batch was stored twice.</summary>
    public static void AssertNothingStoredTwice(this LogHarness h)
    {
        var keys = h.ReadFrom(h.Log.LogStartOffset, 1 << 20).Select(r => r.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
