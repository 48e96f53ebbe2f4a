using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// Writes the records a cleaning keeps from a run of sealed segments into one new segment whose files
/// are named <c>.cleaned</c>; the caller swaps it in. The new segment takes the first old segment's
/// base offset, and every record keeps its offset (compaction leaves gaps).
/// <para>
/// Records are not re-encoded. Each keeps its raw bytes, whose offset and timestamp deltas stay right
/// because the rewritten batch keeps the original's baseOffset, baseTimestamp, maxTimestamp,
/// attributes, producer fields, leader epoch and lastOffsetDelta; only recordsCount, the length and
/// the CRC change, and a compressed batch is compressed again with its own codec. A batch that keeps
/// every record is copied as it is; one that keeps none is dropped, unless it is a producer's newest
/// batch, whose header is kept as an empty batch (see <see cref="RecordRetention.KeepsEmptyBatch"/>).
/// </para>
/// <para>
/// Memory: rewritten batches gather in one pooled buffer (about <see cref="CleanerOptions.WriteBufferBytes"/>
/// plus one batch) before each write; decompression and recompression use two more pooled buffers of
/// about one batch. One owner: the cleaner thread.
/// </para>
/// </summary>
internal sealed class SegmentRewriter : IDisposable
{
    private readonly int _writeBufferBytes;
    private readonly PooledBufferWriter _output;
    private readonly PooledBufferWriter _retained = new(64 * 1024);
    private readonly PooledBufferWriter _decompressed = new(64 * 1024);
    private readonly List<ReadOnlyMemory<byte>> _gather = [ReadOnlyMemory<byte>.Empty];
    private AppendedBatch[] _batches = new AppendedBatch[256];
    private int _batchCount;

    public SegmentRewriter(int writeBufferBytes)
    {
        _writeBufferBytes = Math.Max(writeBufferBytes, 64 * 1024);
        _output = new PooledBufferWriter(_writeBufferBytes + (64 * 1024));
    }

    /// <summary>
    /// Writes what <paramref name="retention"/> keeps of <paramref name="group"/> (consecutive sealed
    /// segments the caller holds references on) into a new segment, then seals and fsyncs it. On failure
    /// the new segment's files are deleted.
    /// </summary>
    public Segment Rewrite(Segment[] group, RecordRetention retention, LogConfig config, long nowMs, IoThrottle throttle, CleanerStats stats, CancellationToken cancellation)
    {
        long groupBytes = 0;
        foreach (var segment in group)
        {
            groupBytes += segment.Size;
        }

        // Sparse pre-allocation, trimmed at the seal. Slack for a subset of records that compresses a
        // little worse than the whole; indexes big enough for an entry per batch or per interval.
        var capacity = (int)Math.Min(int.MaxValue, groupBytes + (groupBytes / 8) + (64 * 1024));
        var maxEntries = (groupBytes / Math.Max(config.IndexIntervalBytes + 1L, RecordBatchLayout.HeaderSize)) + 2;
        var indexBytes = (int)Math.Min(int.MaxValue, Math.Max(config.SegmentIndexBytes, maxEntries * TimeIndex.EntryBytes));
        var destination = Segment.CreateNew(group[0].Directory, group[0].BaseOffset, config with { SegmentBytes = capacity, SegmentIndexBytes = indexBytes }, nowMs, SegmentFiles.CleanedSuffix);
        try
        {
            foreach (var source in group)
            {
                CopyRetained(source, destination, retention, throttle, stats, cancellation);
            }

            WriteBuffered(destination, throttle, stats, cancellation);
            destination.Seal();
            destination.Flush();
            stats.SegmentsWritten++;
            return destination;
        }
        catch
        {
            _output.Clear();
            _batchCount = 0;
            destination.MarkDeleted();
            throw;
        }
    }

    public void Dispose()
    {
        _output.Dispose();
        _retained.Dispose();
        _decompressed.Dispose();
    }

    private void CopyRetained(Segment source, Segment destination, RecordRetention retention, IoThrottle throttle, CleanerStats stats, CancellationToken cancellation)
    {
        var size = source.Size;
        var bytes = source.Memory(0, (int)size).Span;
        var tombstonesExpire = retention.TombstonesExpireIn(source);
        var position = 0;
        while (position < size)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!BatchHeader.TryRead(bytes[position..], size - position, source.BaseOffset, out var header))
            {
                throw new InvalidDataException($"{source} of {source.Directory}: no whole batch at byte {position}");
            }

            RewriteBatch(bytes.Slice(position, header.SizeInBytes), header, retention, tombstonesExpire, stats);
            if (_output.WrittenCount >= _writeBufferBytes)
            {
                WriteBuffered(destination, throttle, stats, cancellation);
            }

            throttle.Acquire(header.SizeInBytes, cancellation);
            position += header.SizeInBytes;
        }

        stats.BytesRead += size;
        stats.SegmentsRead++;
    }

    private void RewriteBatch(ReadOnlySpan<byte> original, BatchHeader header, RecordRetention retention, bool tombstonesExpire, CleanerStats stats)
    {
        var batch = new RecordBatch(original);
        var count = batch.RecordsCount;
        stats.RecordsRead += count;

        // Control batches belong to transactions, which the cleaner does not track yet: they stay as they
        // are. A batch past the map's end holds nothing the map knows a newer value of.
        if (batch.Attributes.IsControl || header.BaseOffset >= retention.EndOffset)
        {
            stats.RecordsRetained += count;
            _output.Write(original);
            AddBatch(header, original.Length);
            return;
        }

        var compressed = batch.Compression != CompressionType.None;
        var start = _output.WrittenCount;
        var records = compressed ? _retained : _output;
        if (compressed)
        {
            _retained.Clear();
        }
        else
        {
            ReserveHeader();
        }

        var kept = 0;
        foreach (var record in batch.GetRecords(_decompressed))
        {
            switch (retention.Decide(record, tombstonesExpire))
            {
                case RetentionVerdict.Keep:
                    records.Write(record.RawBytes);
                    kept++;
                    break;
                case RetentionVerdict.ExpiredTombstone:
                    stats.TombstonesRemoved++;
                    break;
                case RetentionVerdict.NoKey:
                    stats.KeylessRecordsRemoved++;
                    break;
            }
        }

        stats.RecordsRetained += kept;
        if (kept == 0)
        {
            _output.Truncate(start);
            if (retention.KeepsEmptyBatch(batch.ProducerId, header.LastOffset))
            {
                WriteEmptyBatch(original);
                AddBatch(header, RecordBatchLayout.HeaderSize);
                stats.EmptyBatchesRetained++;
            }
            else
            {
                stats.BatchesDropped++;
            }

            return;
        }

        if (kept == count)
        {
            // Nothing removed: the original bytes, CRC and all.
            if (compressed)
            {
                _output.Write(original);
            }
            else
            {
                original[..RecordBatchLayout.HeaderSize].CopyTo(_output.WrittenSpanMutable[start..]);
            }

            AddBatch(header, original.Length);
            return;
        }

        if (compressed)
        {
            ReserveHeader();
            CompressionCodecs.Get(batch.Compression).Compress(_retained.WrittenSpan, _output);
        }

        var rewritten = _output.WrittenSpanMutable[start..];
        original[..RecordBatchLayout.HeaderSize].CopyTo(rewritten);
        BinaryPrimitives.WriteInt32BigEndian(rewritten[RecordBatchLayout.BatchLength..], rewritten.Length - RecordBatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(rewritten[RecordBatchLayout.RecordsCount..], kept);
        BinaryPrimitives.WriteUInt32BigEndian(rewritten[RecordBatchLayout.Crc..], Crc32C.Compute(rewritten[RecordBatchLayout.CrcStart..]));
        AddBatch(header, rewritten.Length);
    }

    /// <summary>
    /// The header of <paramref name="original"/> with no records after it, as Kafka's <c>writeEmptyHeader</c>
    /// writes it: offsets, leader epoch, producer fields, max timestamp and the timestamp, transactional
    /// and control bits kept; no compression, no base timestamp, zero records, a new CRC.
    /// </summary>
    private void WriteEmptyBatch(ReadOnlySpan<byte> original)
    {
        var empty = _output.GetSpan(RecordBatchLayout.HeaderSize)[..RecordBatchLayout.HeaderSize];
        original[..RecordBatchLayout.HeaderSize].CopyTo(empty);
        var attributes = new BatchAttributes(BinaryPrimitives.ReadInt16BigEndian(original[RecordBatchLayout.Attributes..]));
        var uncompressed = BatchAttributes.Create(CompressionType.None, attributes.TimestampType, attributes.IsTransactional, attributes.IsControl);
        BinaryPrimitives.WriteInt32BigEndian(empty[RecordBatchLayout.BatchLength..], RecordBatchLayout.MinBatchLength);
        BinaryPrimitives.WriteInt16BigEndian(empty[RecordBatchLayout.Attributes..], uncompressed.Value);
        BinaryPrimitives.WriteInt64BigEndian(empty[RecordBatchLayout.BaseTimestamp..], RecordBatchLayout.NoTimestamp);
        BinaryPrimitives.WriteInt32BigEndian(empty[RecordBatchLayout.RecordsCount..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(empty[RecordBatchLayout.Crc..], Crc32C.Compute(empty[RecordBatchLayout.CrcStart..]));
        _output.Advance(RecordBatchLayout.HeaderSize);
    }

    private void ReserveHeader()
    {
        _output.GetSpan(RecordBatchLayout.HeaderSize);
        _output.Advance(RecordBatchLayout.HeaderSize);
    }

    private void AddBatch(BatchHeader header, int sizeInBytes)
    {
        if (_batchCount == _batches.Length)
        {
            Array.Resize(ref _batches, _batches.Length * 2);
        }

        _batches[_batchCount++] = new AppendedBatch(header.BaseOffset, header.LastOffset, header.MaxTimestamp, sizeInBytes, header.PartitionLeaderEpoch);
    }

    private void WriteBuffered(Segment destination, IoThrottle throttle, CleanerStats stats, CancellationToken cancellation)
    {
        if (_batchCount == 0)
        {
            return;
        }

        var bytes = _output.WrittenCount;
        _gather[0] = _output.WrittenMemory;
        destination.Append(_gather, _batches.AsSpan(0, _batchCount), bytes);
        _output.Clear();
        _batchCount = 0;
        stats.BytesWritten += bytes;
        throttle.Acquire(bytes, cancellation);
    }
}
