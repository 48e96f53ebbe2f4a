using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Log;

/// <summary>
/// Prepares an append without copying the records: a stamped copy of each batch's 61-byte header in
/// scratch space, followed in the gather list by the batch's records exactly as they arrived. The
/// scratch is reused from append to append; it belongs to the log's single writer (its write lock).
/// </summary>
internal sealed class BatchStamper
{
    private readonly List<ReadOnlyMemory<byte>> _gather = [];
    private byte[] _headers = new byte[RecordBatchLayout.HeaderSize * 8];
    private AppendedBatch[] _appended = new AppendedBatch[8];

    /// <summary>What to write, in order: each stamped header, then that batch's records.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Gather => _gather;

    /// <summary>The stamped batches' offsets, timestamps and sizes, valid until the next stamp.</summary>
    public ReadOnlySpan<AppendedBatch> Appended(int count) => _appended.AsSpan(0, count);

    /// <summary>The stamped 61-byte headers of the batches, back to back, valid until the next stamp.</summary>
    public ReadOnlySpan<byte> Headers(int count) => _headers.AsSpan(0, count * RecordBatchLayout.HeaderSize);

    /// <summary>Drops the references to the caller's bytes once they are written.</summary>
    public void Clear() => _gather.Clear();

    /// <summary>
    /// Stamps the headers of <paramref name="batchCount"/> validated batches and lines up the gather
    /// write; returns the total bytes, or 0 with <paramref name="error"/> when a replicated batch would go
    /// below the log end. Producer batches get offsets from <paramref name="nextOffset"/>, the leader
    /// epoch, and with LogAppendTime the broker's clock and a CRC recomputed over the patched header and
    /// the untouched records.
    /// </summary>
    public int Stamp(ReadOnlyMemory<byte> batches, int batchCount, long nextOffset, int leaderEpoch, AppendOrigin origin, LogConfig config, long now, out string? error)
    {
        error = null;
        if (_headers.Length < batchCount * RecordBatchLayout.HeaderSize)
        {
            _headers = new byte[batchCount * RecordBatchLayout.HeaderSize * 2];
            _appended = new AppendedBatch[batchCount * 2];
        }

        _gather.Clear();
        var logAppendTime = config.MessageTimestampType == TimestampType.LogAppendTime;
        var total = 0;
        var remaining = batches;
        for (var i = 0; i < batchCount; i++)
        {
            var original = new RecordBatch(remaining.Span);
            var size = original.SizeInBytes;
            var header = _headers.AsMemory(i * RecordBatchLayout.HeaderSize, RecordBatchLayout.HeaderSize);
            var span = header.Span;
            remaining.Span[..RecordBatchLayout.HeaderSize].CopyTo(span);
            long baseOffset;
            if (origin == AppendOrigin.Client)
            {
                baseOffset = nextOffset;
                BinaryPrimitives.WriteInt64BigEndian(span, baseOffset);
                BinaryPrimitives.WriteInt32BigEndian(span[RecordBatchLayout.PartitionLeaderEpoch..], leaderEpoch);
                if (logAppendTime)
                {
                    var attributes = original.Attributes.WithTimestampType(TimestampType.LogAppendTime);
                    BinaryPrimitives.WriteInt16BigEndian(span[RecordBatchLayout.Attributes..], attributes.Value);
                    BinaryPrimitives.WriteInt64BigEndian(span[RecordBatchLayout.MaxTimestamp..], now);
                    var crc = Crc32C.Append(Crc32C.Compute(span[RecordBatchLayout.CrcStart..]), remaining.Span[RecordBatchLayout.HeaderSize..size]);
                    BinaryPrimitives.WriteUInt32BigEndian(span[RecordBatchLayout.Crc..], crc);
                }
            }
            else
            {
                baseOffset = original.BaseOffset;
                if (baseOffset < nextOffset)
                {
                    error = $"replicated batch at offset {baseOffset} is below the log end offset {nextOffset}";
                    _gather.Clear();
                    return 0;
                }
            }

            var lastOffset = baseOffset + original.LastOffsetDelta;
            var maxTimestamp = origin == AppendOrigin.Client && logAppendTime ? now : original.MaxTimestamp;
            var epoch = origin == AppendOrigin.Client ? leaderEpoch : original.PartitionLeaderEpoch;
            _appended[i] = new AppendedBatch(baseOffset, lastOffset, maxTimestamp, size, epoch);
            _gather.Add(header);
            if (size > RecordBatchLayout.HeaderSize)
            {
                _gather.Add(remaining[RecordBatchLayout.HeaderSize..size]);
            }

            nextOffset = lastOffset + 1;
            total += size;
            remaining = remaining[size..];
        }

        return total;
    }
}
