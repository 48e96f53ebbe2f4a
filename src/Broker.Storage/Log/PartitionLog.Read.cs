using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Log;

/// <summary>
/// A log's reads: lock-free over the published segment array and offsets, each holding a reference on
/// the segment it reads; and what a read does when it finds a batch that fails its CRC check.
/// </summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Reads whole batches from the one holding <paramref name="offset"/> on, up to
    /// <paramref name="maxBytes"/> (at least one batch, however large) and never past
    /// <paramref name="maxOffsetExclusive"/> (default: the high watermark). An offset before the log
    /// start or after the log end is <see cref="ErrorCode.OffsetOutOfRange"/>; at the end it is empty.
    /// </summary>
    public LogReadResult Read(long offset, int maxBytes, long? maxOffsetExclusive = null)
    {
        while (true)
        {
            var segments = Volatile.Read(ref _segments);
            var logStart = LogStartOffset;
            var logEnd = LogEndOffset;
            var highWatermark = HighWatermark;
            if (offset < logStart || offset > logEnd)
            {
                return new LogReadResult(ErrorCode.OffsetOutOfRange, $"offset {offset} is outside [{logStart}, {logEnd}] of {TopicPartition}", default, logStart, logEnd, highWatermark, null);
            }

            var bound = Math.Min(maxOffsetExclusive ?? highWatermark, logEnd);
            if (offset >= bound || maxBytes <= 0)
            {
                return new LogReadResult(ErrorCode.None, null, default, logStart, logEnd, highWatermark, null);
            }

            if (segments[0].BaseOffset > offset)
            {
                continue; // segments and start offset read across a retention or truncation: read them again
            }

            var retry = false;
            for (var i = FloorSegment(segments, offset); i < segments.Length; i++)
            {
                var segment = segments[i];
                if (!segment.TryAcquire())
                {
                    retry = true; // removed meanwhile: start over from the new segment list
                    break;
                }

                var read = segment.Read(offset, maxBytes, bound);
                if (read.IsCorrupt)
                {
                    segment.Release();
                    return Corrupt(segment, read.CorruptPosition, logStart, logEnd, highWatermark);
                }

                if (read.Length > 0)
                {
                    return new LogReadResult(ErrorCode.None, null, segment.Memory(read.Position, read.Length), logStart, logEnd, highWatermark, segment);
                }

                var next = segment.NextOffset;
                segment.Release();
                if (next >= bound)
                {
                    break;
                }
            }

            if (!retry)
            {
                return new LogReadResult(ErrorCode.None, null, default, logStart, logEnd, highWatermark, null);
            }
        }
    }

    /// <summary>The first record at or after <paramref name="timestamp"/> below the high watermark, or null if none is.</summary>
    public TimestampOffset? FindOffsetByTimestamp(long timestamp)
    {
        var highWatermark = HighWatermark;
        using var scratch = new PooledBufferWriter();
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.LargestTimestamp < timestamp || !segment.TryAcquire())
            {
                continue;
            }

            try
            {
                if (segment.FindOffsetByTimestamp(timestamp, scratch) is { } found)
                {
                    return found.Offset < highWatermark && found.Offset >= LogStartOffset ? new TimestampOffset(found.Offset, found.Timestamp) : null;
                }
            }
            catch (InvalidDataException)
            {
                RecordCorruption(segment);
                throw;
            }
            finally
            {
                segment.Release();
            }
        }

        return null;
    }

    private LogReadResult Corrupt(Segment segment, long position, long logStart, long logEnd, long highWatermark)
    {
        RecordCorruption(segment);
        var message = $"{TopicPartition}: the batch at byte {position} of segment {segment.BaseOffset} failed its CRC check and will not be served";
        _logger.LogError("{Message}", message);
        return new LogReadResult(ErrorCode.CorruptMessage, message, default, logStart, logEnd, highWatermark, null);
    }

    /// <summary>Lowers the corruption floor to <paramref name="segment"/>'s base, so the next start scans (and cuts) it.</summary>
    private void RecordCorruption(Segment segment)
    {
        HasCorruption = true;
        var current = Volatile.Read(ref _corruptionFloor);
        while (current > segment.BaseOffset)
        {
            var seen = Interlocked.CompareExchange(ref _corruptionFloor, segment.BaseOffset, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }
    }
}
