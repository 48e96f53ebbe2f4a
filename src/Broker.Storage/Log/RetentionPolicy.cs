using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Log;

/// <summary>
/// Which of a log's oldest segments retention deletes: sealed ones (never the active segment) wholly
/// below the high watermark that are past <c>retention.ms</c> by their newest record, or that the log can
/// lose while staying at least <c>retention.bytes</c> (Kafka's rule), taken from the oldest on.
/// </summary>
internal static class RetentionPolicy
{
    /// <summary>How many segments, from the first, to delete now.</summary>
    public static int SegmentsToDelete(Segment[] segments, long totalBytes, LogConfig config, long nowMs, long highWatermark)
    {
        var bySize = config.RetentionBytes >= 0;
        var excess = bySize ? totalBytes - config.RetentionBytes : 0;
        var delete = 0;
        while (delete < segments.Length - 1)
        {
            var segment = segments[delete];

            // A sealed segment compaction emptied has no timestamp to age by and nothing to keep.
            var expired = segment.IsEmpty
                || (config.RetentionMs >= 0 && segment.LargestTimestamp >= 0 && nowMs - segment.LargestTimestamp > config.RetentionMs);
            var oversized = bySize && excess - segment.Size >= 0;
            if (!(expired || oversized) || segment.NextOffset > highWatermark)
            {
                break;
            }

            excess -= segment.Size;
            delete++;
        }

        return delete;
    }
}
