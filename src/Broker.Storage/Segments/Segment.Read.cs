using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;

namespace LogBroker.Storage.Segments;

/// <summary>
/// A segment's read path: finding whole batches by offset or timestamp and handing out memory over
/// the map. Lock-free; callers hold a reference (<see cref="TryAcquire"/>) for as long as they use
/// what they were given.
/// </summary>
public sealed partial class Segment
{
    /// <summary>Memory over the log map; the caller holds a reference (see <see cref="TryAcquire"/>) while using it.</summary>
    internal ReadOnlyMemory<byte> Memory(long position, int length) => _logMap.Memory(position, length);

    /// <summary>The position of a batch at or before the one holding <paramref name="offset"/>, from the sparse index: where a forward walk to it starts.</summary>
    internal long PositionAtOrBefore(long offset) => _offsetIndex.Lookup(offset).Position;

    /// <summary>
    /// Finds whole batches holding offsets from <paramref name="offset"/> on: the batch containing it,
    /// then following batches while they fit in <paramref name="maxBytes"/> (the first always counts)
    /// and end below <paramref name="maxOffsetExclusive"/>. Batches not yet CRC-checked are checked
    /// before they are returned.
    /// </summary>
    internal SegmentRead Read(long offset, int maxBytes, long maxOffsetExclusive)
    {
        var (_, indexed) = _offsetIndex.Lookup(offset);
        var size = Size; // read after the index: see Append
        long position = indexed;
        BatchHeader header;
        while (true)
        {
            if (position >= size)
            {
                return SegmentRead.Empty;
            }

            if (!TryReadHeader(position, size, out header))
            {
                MarkCorrupt(position);
                return SegmentRead.Corrupt(position);
            }

            if (header.LastOffset >= offset)
            {
                break;
            }

            position += header.SizeInBytes;
        }

        var start = position;
        while (header.LastOffset < maxOffsetExclusive && (position == start || position + header.SizeInBytes - start <= maxBytes))
        {
            position += header.SizeInBytes;
            if (position >= size || !TryReadHeader(position, size, out header))
            {
                break;
            }
        }

        if (position == start)
        {
            return SegmentRead.Empty;
        }

        var good = EnsureVerified(position);
        if (good <= start)
        {
            return SegmentRead.Corrupt(good);
        }

        return new SegmentRead(start, (int)(Math.Min(good, position) - start), -1);
    }

    /// <summary>The first record at or after <paramref name="timestamp"/> in this segment, if any.</summary>
    internal (long Offset, long Timestamp)? FindOffsetByTimestamp(long timestamp, PooledBufferWriter scratch)
    {
        if (LargestTimestamp < timestamp)
        {
            return null;
        }

        var (_, position) = _offsetIndex.Lookup(_timeIndex.Lookup(timestamp));
        var size = Size;
        while (position < size && TryReadHeader(position, size, out var header))
        {
            if (header.MaxTimestamp >= timestamp)
            {
                if (EnsureVerified(position + header.SizeInBytes) < position + header.SizeInBytes)
                {
                    throw new InvalidDataException($"batch at position {position} of segment {_logPath} failed its CRC check");
                }

                var batch = new RecordBatch(_logMap.Read(position, header.SizeInBytes));
                foreach (var record in batch.GetRecords(scratch))
                {
                    if (record.Timestamp >= timestamp)
                    {
                        return (record.Offset, record.Timestamp);
                    }
                }
            }

            position += header.SizeInBytes;
        }

        return null;
    }
}
