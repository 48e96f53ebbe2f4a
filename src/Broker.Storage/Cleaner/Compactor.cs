using System.Diagnostics;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// Cleans one log at a time (Kafka's <c>Cleaner.doClean</c>): builds the offset map over the dirty
/// range, then rewrites every cleanable segment from the log start up to where the map reaches, a group
/// of consecutive segments at a time, and swaps each group's replacement into the log.
/// <para>
/// Bounded memory: when the dirty range holds more keys than the map takes, the map stops at a batch
/// boundary and this cleaning covers only the range before it; the next cleaning continues from there.
/// </para>
/// <para>
/// It holds a reference on every segment it reads until that segment's group is swapped out (or the
/// cleaning ends), so retention or truncation may remove segments meanwhile; the swap then finds the log
/// changed, the replacement is discarded and the cleaning stops. One owner: the cleaner thread.
/// </para>
/// </summary>
internal sealed class Compactor(OffsetMap map, SegmentRewriter rewriter, IoThrottle throttle) : IDisposable
{
    private readonly PooledBufferWriter _scratch = new(64 * 1024);
    private readonly Dictionary<long, long> _producerLastOffsets = [];

    /// <summary>
    /// Cleans <paramref name="target"/>. When <paramref name="haltAt"/> (a test's stand-in for a crash)
    /// stops it, <see cref="CleanerStats.Halted"/> is set and files and references are left exactly as they were.
    /// </summary>
    public CleanerStats Clean(LogToClean target, long nowMs, Func<SegmentSwap.Stage, bool>? haltAt, CancellationToken cancellation)
    {
        var halted = false;
        var started = Stopwatch.GetTimestamp();
        var log = target.Log;
        var config = log.Config;
        var segments = target.Cleanable;
        var stats = new CleanerStats { FirstDirtyOffset = target.FirstDirtyOffset, EndOffset = target.FirstDirtyOffset, DirtyRatio = target.DirtyRatio };
        var acquired = 0;
        while (acquired < segments.Length && segments[acquired].TryAcquire())
        {
            acquired++;
        }

        var released = 0;
        try
        {
            if (acquired < segments.Length)
            {
                stats.Aborted = true; // removed since the look at the log
                return stats;
            }

            foreach (var segment in segments)
            {
                var good = segment.EnsureVerified(segment.Size);
                if (good < segment.Size)
                {
                    throw new InvalidDataException($"{log.TopicPartition}: the batch at byte {good} of segment {segment.BaseOffset} failed its CRC check; the log is not cleaned until a recovery cuts it");
                }
            }

            var endOffset = BuildOffsetMap(target, stats, cancellation);
            stats.EndOffset = endOffset;
            log.CopyProducerLastOffsets(_producerLastOffsets);
            var retention = new RecordRetention(map, target.FirstDirtyOffset, endOffset, nowMs - config.DeleteRetentionMs, _producerLastOffsets);
            var count = 0;
            while (count < segments.Length && segments[count].BaseOffset < endOffset)
            {
                count++;
            }

            foreach (var group in GroupBySize(segments.AsSpan(0, count), config))
            {
                cancellation.ThrowIfCancellationRequested();
                if (!StillInLog(log.CurrentSegments, group))
                {
                    stats.Aborted = true; // no use rewriting what the swap would refuse
                    return stats;
                }

                var replacement = rewriter.Rewrite(group, retention, config, nowMs, throttle, stats, cancellation);
                if (haltAt?.Invoke(SegmentSwap.Stage.CleanedWritten) == true)
                {
                    halted = true;
                    return stats;
                }

                var stop = false;
                var swapped = log.ReplaceSegments(group, replacement, haltAt is null ? null : stage => stop = haltAt(stage));
                if (stop)
                {
                    halted = true;
                    return stats;
                }

                if (!swapped)
                {
                    replacement.MarkDeleted();
                    stats.Aborted = true;
                    return stats;
                }

                // The old segments are out of the log: their files go as soon as their last reader is done.
                for (var i = 0; i < group.Length; i++)
                {
                    segments[released++].Release();
                }
            }

            return stats;
        }
        finally
        {
            stats.Halted = halted;
            if (!halted)
            {
                for (var i = released; i < acquired; i++)
                {
                    segments[i].Release();
                }
            }

            stats.Duration = Stopwatch.GetElapsedTime(started);
        }
    }

    public void Dispose() => _scratch.Dispose();

    private static bool StillInLog(Segment[] segments, Segment[] group)
    {
        var first = Array.IndexOf(segments, group[0]);
        if (first < 0 || first + group.Length > segments.Length)
        {
            return false;
        }

        for (var i = 1; i < group.Length; i++)
        {
            if (!ReferenceEquals(segments[first + i], group[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Kafka's <c>groupSegmentsBySize</c>: consecutive segments whose sizes add up to at most
    /// <c>segment.bytes</c>, whose indexes add up to at most <c>segment.index.bytes</c> and whose offsets
    /// fit one segment's relative offsets. A segment that alone is larger is a group of its own.
    /// </summary>
    internal static List<Segment[]> GroupBySize(ReadOnlySpan<Segment> segments, LogConfig config)
    {
        var groups = new List<Segment[]>();
        var start = 0;
        while (start < segments.Length)
        {
            var first = segments[start];
            var end = start + 1;
            var bytes = first.Size;
            var indexBytes = first.IndexSizeInBytes;
            while (end < segments.Length
                && bytes + segments[end].Size <= config.SegmentBytes
                && indexBytes + segments[end].IndexSizeInBytes <= config.SegmentIndexBytes
                && segments[end].NextOffset - 1 - first.BaseOffset <= int.MaxValue)
            {
                bytes += segments[end].Size;
                indexBytes += segments[end].IndexSizeInBytes;
                end++;
            }

            groups.Add(segments[start..end].ToArray());
            start = end;
        }

        return groups;
    }

    /// <summary>
    /// Maps every keyed record of the dirty range to its latest offset and returns where the map ends:
    /// the end of the cleanable segments, or the first batch that no longer fit.
    /// </summary>
    private long BuildOffsetMap(LogToClean target, CleanerStats stats, CancellationToken cancellation)
    {
        map.Clear();
        var firstDirty = target.FirstDirtyOffset;
        var mappedAny = false;
        foreach (var segment in target.Cleanable)
        {
            if (segment.NextOffset <= firstDirty)
            {
                continue;
            }

            var size = segment.Size;
            var bytes = segment.Memory(0, (int)size).Span;
            var position = 0;
            while (position < size)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!BatchHeader.TryRead(bytes[position..], size - position, segment.BaseOffset, out var header))
                {
                    throw new InvalidDataException($"{segment} of {segment.Directory}: no whole batch at byte {position}");
                }

                if (header.LastOffset >= firstDirty)
                {
                    var batch = new RecordBatch(bytes.Slice(position, header.SizeInBytes));
                    if (!batch.Attributes.IsControl)
                    {
                        if (map.Count + batch.RecordsCount > map.Capacity)
                        {
                            if (!mappedAny)
                            {
                                throw new InvalidOperationException($"{target.Log.TopicPartition}: the dedupe buffer holds {map.Capacity} keys, fewer than the {batch.RecordsCount} records of the batch at offset {header.BaseOffset}; raise {nameof(CleanerOptions.DedupeBufferBytes)}");
                            }

                            stats.KeysMapped = map.Count;
                            return header.BaseOffset;
                        }

                        foreach (var record in batch.GetRecords(_scratch))
                        {
                            if (record.Offset >= firstDirty && !record.KeyIsNull)
                            {
                                map.Put(record.Key, record.Offset);
                            }
                        }
                    }

                    mappedAny = true;
                    stats.DirtyBytesMapped += header.SizeInBytes;
                    throttle.Acquire(header.SizeInBytes, cancellation);
                }

                position += header.SizeInBytes;
            }
        }

        stats.KeysMapped = map.Count;
        return target.FirstUncleanableOffset;
    }
}
