using LogBroker.Storage.Log;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// One look at a compacted log from the cleaner's side (Kafka's <c>LogToClean</c>): which sealed segments
/// it may rewrite, where their dirty part starts, and how dirty they are.
/// <para>
/// Cleanable segments are the longest run of sealed segments from the log start that lie wholly below
/// the high watermark and, when <c>min.compaction.lag.ms</c> is set, whose newest record is at least that
/// old: the active segment is never touched, nor anything a consumer may not see yet. The dirty ratio
/// is, as in Kafka, the dirty bytes of that run (segments holding offsets at or after the first dirty
/// offset) over all its bytes; segments past the run count in neither, since cleaning cannot reach them.
/// </para>
/// </summary>
internal sealed class LogToClean
{
    private LogToClean(PartitionLog log, Segment[] cleanable, long firstDirtyOffset, long cleanBytes, long dirtyBytes)
    {
        Log = log;
        Cleanable = cleanable;
        FirstDirtyOffset = firstDirtyOffset;
        CleanBytes = cleanBytes;
        DirtyBytes = dirtyBytes;
    }

    public PartitionLog Log { get; }

    /// <summary>The sealed segments the cleaning may rewrite, oldest first.</summary>
    public Segment[] Cleanable { get; }

    /// <summary>Offsets below this were cleaned before; the offset map is built from here.</summary>
    public long FirstDirtyOffset { get; }

    public long CleanBytes { get; }

    public long DirtyBytes { get; }

    public double DirtyRatio => CleanBytes + DirtyBytes == 0 ? 0 : (double)DirtyBytes / (CleanBytes + DirtyBytes);

    /// <summary>The offset after the last cleanable segment: cleaning never reaches past it.</summary>
    public long FirstUncleanableOffset => Cleanable.Length == 0 ? FirstDirtyOffset : Math.Max(FirstDirtyOffset, Cleanable[^1].NextOffset);

    /// <summary>
    /// Whether the last cleanable segment left the log since this look. A truncation (which removes or
    /// reopens segments from some offset to the end, and may zero bytes a cleaning is reading) does
    /// that; so can retention, but the cleaner's own swaps reach that segment only at its very end.
    /// </summary>
    public bool LostItsLastSegment() => Cleanable.Length > 0 && Array.IndexOf(Log.CurrentSegments, Cleanable[^1]) < 0;

    /// <summary>
    /// Looks at <paramref name="log"/> now. <paramref name="checkpoint"/> is where the last cleaning
    /// ended; none, or one outside the log (retention passed it, or the log was cut below it), means the
    /// log start.
    /// </summary>
    public static LogToClean Create(PartitionLog log, long? checkpoint, long nowMs)
    {
        var segments = log.CurrentSegments;
        var highWatermark = log.HighWatermark;
        var logStart = log.LogStartOffset;
        var firstDirty = checkpoint ?? logStart;
        if (firstDirty < logStart || firstDirty > log.LogEndOffset)
        {
            firstDirty = logStart;
        }

        var lagMs = log.Config.MinCompactionLagMs;
        var count = 0;
        while (count < segments.Length - 1)
        {
            var segment = segments[count];
            if (segment.IsActive || segment.NextOffset > highWatermark || (lagMs > 0 && segment.LargestTimestamp > nowMs - lagMs))
            {
                break;
            }

            count++;
        }

        long clean = 0;
        long dirty = 0;
        for (var i = 0; i < count; i++)
        {
            if (segments[i].NextOffset > firstDirty)
            {
                dirty += segments[i].Size;
            }
            else
            {
                clean += segments[i].Size;
            }
        }

        return new LogToClean(log, segments[..count], firstDirty, clean, dirty);
    }
}
