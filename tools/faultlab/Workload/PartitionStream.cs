using System.Globalization;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// What a reader of one partition checks in the bytes the broker serves, batch by batch, in the order
/// served: every batch passes the stored-batch checks (CRC-32C, framing, record count); no batch lies
/// wholly below the offset asked for; offsets continue densely from the reader's position; a batch's
/// leader epoch is never lower than one before it. Broken promises go to the <see cref="ViolationLog"/>;
/// each new record is handed on with its <see cref="RecordId"/>. A corrupt batch whose framing is
/// readable is stepped over so one bad batch cannot stall the reader. One reader, one thread.
/// </summary>
public sealed class PartitionStream(string reader, int partition, ViolationLog violations) : IDisposable
{
    private readonly PooledBufferWriter _scratch = new();

    public int Partition => partition;

    /// <summary>The next offset this reader expects (where its next fetch starts).</summary>
    public long NextOffset { get; set; }

    /// <summary>The highest leader epoch served so far (-1 before any batch).</summary>
    public int LastEpoch { get; private set; } = -1;

    /// <summary>
    /// Checks the batches of one response fetched from <see cref="NextOffset"/>, calling
    /// <paramref name="onRecord"/> for each record at or after it and <paramref name="onBatch"/> for each
    /// batch read, and moves <see cref="NextOffset"/> past them.
    /// </summary>
    public void Feed(ReadOnlyMemory<byte> batches, Action<long, RecordId>? onRecord = null, Action<ReadOnlyMemory<byte>>? onBatch = null)
    {
        var asked = NextOffset;
        var first = true;
        while (!batches.IsEmpty)
        {
            var verdict = RecordBatchValidator.Validate(batches.Span, int.MaxValue, BatchValidationMode.Stored, out var size);
            if (!verdict.IsValid)
            {
                violations.Add(Violations.Corrupt, Invariant($"{reader}: partition {partition} served a bad batch at offset {NextOffset}: {verdict.Message}"));
                if (!StepOver(ref batches))
                {
                    return;
                }

                continue;
            }

            var bytes = batches[..size];
            var wasFirst = first;
            first = false;
            batches = batches[size..];
            var batch = new RecordBatch(bytes.Span);
            if (batch.NextOffset <= NextOffset)
            {
                // Only the first batch of a response may start before the offset asked for, and it must hold it.
                violations.Add(Violations.WentBack, wasFirst
                    ? Invariant($"{reader}: partition {partition} answered a fetch from {asked} with batch {batch.BaseOffset}..{batch.LastOffset}, wholly below it")
                    : Invariant($"{reader}: partition {partition} served batch {batch.BaseOffset}..{batch.LastOffset} after offset {NextOffset - 1} in one response"));
                continue;
            }

            Check(batch, onRecord);
            onBatch?.Invoke(bytes);
        }
    }

    public void Dispose() => _scratch.Dispose();

    private void Check(RecordBatch batch, Action<long, RecordId>? onRecord)
    {
        if (batch.PartitionLeaderEpoch < LastEpoch)
        {
            violations.Add(Violations.EpochRegression, Invariant($"{reader}: partition {partition} batch at {batch.BaseOffset} has leader epoch {batch.PartitionLeaderEpoch} after epoch {LastEpoch}"));
        }

        LastEpoch = Math.Max(LastEpoch, batch.PartitionLeaderEpoch);
        if (batch.BaseOffset > NextOffset)
        {
            violations.Add(Violations.NotDense, Invariant($"{reader}: partition {partition} jumped from offset {NextOffset} to batch {batch.BaseOffset}"));
            NextOffset = batch.BaseOffset;
        }

        RecordEnumerator records;
        try
        {
            records = batch.GetRecords(_scratch);
        }
        catch (InvalidDataException e)
        {
            violations.Add(Violations.Corrupt, Invariant($"{reader}: partition {partition} batch at {batch.BaseOffset} does not decompress: {e.Message}"));
            NextOffset = batch.NextOffset;
            return;
        }

        foreach (var record in records)
        {
            if (record.Offset < NextOffset)
            {
                continue;
            }

            if (record.Offset != NextOffset)
            {
                violations.Add(Violations.NotDense, Invariant($"{reader}: partition {partition} record {record.Offset} follows {NextOffset - 1}"));
            }

            if (RecordId.TryRead(record.Value, out var id))
            {
                onRecord?.Invoke(record.Offset, id);
            }
            else
            {
                violations.Add(Violations.Foreign, Invariant($"{reader}: partition {partition} offset {record.Offset} holds a value faultlab did not write"));
            }

            NextOffset = record.Offset + 1;
        }

        NextOffset = Math.Max(NextOffset, batch.NextOffset);
    }

    /// <summary>Skips a batch that failed its checks when its framing can still be read; false when nothing more can be read.</summary>
    private bool StepOver(ref ReadOnlyMemory<byte> batches)
    {
        if (!RecordBatch.TryReadFraming(batches.Span, out var baseOffset, out var size) || size < RecordBatchLayout.HeaderSize || size > batches.Length)
        {
            return false;
        }

        NextOffset = Math.Max(NextOffset, baseOffset + new RecordBatch(batches.Span[..(int)size]).LastOffsetDelta + 1);
        batches = batches[(int)size..];
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
