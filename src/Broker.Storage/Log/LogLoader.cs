using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Log;

/// <summary>
/// Opens a partition directory's segments at start-up. After a clean stop each segment is opened from
/// its indexes without a scan. After an unclean stop every segment that may hold offsets past the
/// recovery point is scanned batch by batch (framing, magic, CRC, growing offsets), its indexes are
/// rebuilt, and the log is cut at the first damaged batch, or where a segment followed by another
/// stops short of it (see <see cref="Segment.Recover"/>): later segments are deleted, since a log
/// has no holes. Leftovers of interrupted deletions are removed, and a cleaner swap a stop interrupted
/// is finished or undone (<see cref="SegmentSwap"/>) before any segment is opened.
/// </summary>
internal static class LogLoader
{
    public sealed record Loaded(Segment[] Segments, long LogStartOffset, bool Recovered, long DiscardedBytes);

    public static Loaded Load(string directory, LogConfig config, LogOpenOptions options, LeaderEpochCache epochs, ILogger logger, long nowMs)
    {
        System.IO.Directory.CreateDirectory(directory);
        RemoveLeftovers(directory, logger);

        var baseOffsets = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentFiles.LogExtension))
        {
            if (SegmentFiles.TryParseBaseOffset(Path.GetFileName(path), SegmentFiles.LogExtension, out var baseOffset))
            {
                baseOffsets.Add(baseOffset);
            }
        }

        baseOffsets.Sort();
        if (baseOffsets.Count == 0)
        {
            var start = Math.Max(options.LogStartOffset, 0);
            return new Loaded([Segment.CreateNew(directory, start, config, nowMs)], start, false, 0);
        }

        var segments = new List<Segment>(baseOffsets.Count);
        var recovered = false;
        long discarded = 0;
        try
        {
            for (var i = 0; i < baseOffsets.Count; i++)
            {
                var isLast = i == baseOffsets.Count - 1;
                var segment = Segment.OpenExisting(directory, baseOffsets[i], config, nowMs, active: isLast);

                // A segment may hold unflushed offsets if the next one starts past the recovery point.
                var mayHoldUnflushed = isLast || baseOffsets[i + 1] > options.RecoveryPoint;
                if ((options.CleanShutdown || !mayHoldUnflushed) && !segment.NeedsRecovery)
                {
                    segments.Add(segment);
                    continue;
                }

                if (!isLast)
                {
                    segment.Release();
                    segment = Segment.OpenExisting(directory, baseOffsets[i], config, nowMs, active: false, writableIndexes: true);
                }

                var before = segment.Size;
                var result = segment.Recover(epochs, isLast ? -1 : baseOffsets[i + 1]);
                recovered = true;
                if (!result.StoppedAtDamage)
                {
                    if (!isLast)
                    {
                        segment.Seal();
                    }

                    segments.Add(segment);
                    continue;
                }

                logger.LogWarning("Recovery of {Directory} cut segment {BaseOffset} at byte {ValidBytes}: {Damage}", directory, segment.BaseOffset, result.ValidBytes, result.Damage);
                discarded += Math.Max(0, before - result.ValidBytes);
                discarded += DeleteLaterSegments(directory, baseOffsets, i, config, logger, nowMs);
                if (!isLast)
                {
                    // It is the last segment now: reopen it as the active one.
                    segment.Release();
                    segment = Segment.OpenExisting(directory, baseOffsets[i], config, nowMs, active: true);
                }

                segments.Add(segment);
                break;
            }
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Release();
            }

            throw;
        }

        var logStart = Math.Max(options.LogStartOffset, segments[0].BaseOffset);
        return new Loaded([.. segments], logStart, recovered, discarded);
    }

    private static long DeleteLaterSegments(string directory, List<long> baseOffsets, int keep, LogConfig config, ILogger logger, long nowMs)
    {
        long bytes = 0;
        for (var j = keep + 1; j < baseOffsets.Count; j++)
        {
            var later = Segment.OpenExisting(directory, baseOffsets[j], config, nowMs, active: false);
            bytes += later.Size;
            logger.LogWarning("Recovery of {Directory} deletes segment {BaseOffset} ({Bytes} bytes): it follows damaged data", directory, later.BaseOffset, later.Size);
            later.MarkDeleted();
        }

        return bytes;
    }

    private static void RemoveLeftovers(string directory, ILogger logger)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(SegmentFiles.DeletedSuffix, StringComparison.Ordinal)
                || name.EndsWith(SegmentFiles.CleanedSuffix, StringComparison.Ordinal)
                || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path);
            }
        }

        // After the .cleaned files are gone: only a decided swap is left to finish.
        SegmentSwap.CompleteInterrupted(directory, logger);

        // Index files whose log is gone (a deletion interrupted between renames) would confuse a new segment.
        foreach (var extension in (string[])[SegmentFiles.IndexExtension, SegmentFiles.TimeIndexExtension])
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + extension))
            {
                var name = Path.GetFileName(path);
                if (SegmentFiles.TryParseBaseOffset(name, extension, out var baseOffset)
                    && !File.Exists(SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogExtension)))
                {
                    File.Delete(path);
                }
            }
        }
    }
}
