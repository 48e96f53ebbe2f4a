using LogBroker.Protocol.Batches;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Segments;

/// <summary>
/// The crash-safe replacement of sealed segments by one rewritten segment (Kafka's swap protocol), and
/// its completion at start-up when a stop interrupted it.
/// <para>
/// The cleaner writes the replacement as <c>{base}.log.cleaned</c> (with <c>.index.cleaned</c> and
/// <c>.timeindex.cleaned</c>) and fsyncs it. Then, under the log's write lock, the replacement's files
/// are renamed <c>.swap</c>, indexes first and the log last: the log's rename decides the swap. The
/// replacement takes the old segments' place in the segment array, the old segments are renamed
/// <c>.deleted</c>, and the replacement's files get their final names, indexes first again.
/// </para>
/// <para>
/// What a stop leaves, and what start-up makes of it (<see cref="CompleteInterrupted"/>):
/// <c>.cleaned</c> files only: the swap never happened; they are deleted, the old segments stay.
/// A <c>{base}.log.swap</c>: the swap was decided; every old segment whose base offset falls in the
/// replacement's range [base, next offset) is deleted (whatever its files are called by then) and the
/// replacement takes its final names. Index files named <c>.swap</c> without a <c>.log.swap</c>
/// belong to a swap that was never decided and are deleted.
/// </para>
/// <para>
/// The range comes from the replacement's own batches, as in Kafka. When compaction removed the whole
/// last batch of the replaced run, an old segment that starts past the replacement's last offset is
/// not in the range and survives the interrupted swap. That loses nothing: it only holds records the
/// cleaning removed, no offset the replacement holds, and the next cleaning (which starts again from
/// the same checkpoint, since the interrupted one never advanced it) removes them again.
/// </para>
/// </summary>
internal static class SegmentSwap
{
    private static readonly string[] IndexExtensions = [SegmentFiles.IndexExtension, SegmentFiles.TimeIndexExtension];
    private static readonly string[] SegmentExtensions = [SegmentFiles.LogExtension, SegmentFiles.IndexExtension, SegmentFiles.TimeIndexExtension];

    /// <summary>Points of a swap where a test may stop the cleaner, as a crash would (the last two inside <c>PartitionLog.ReplaceSegments</c>).</summary>
    internal enum Stage
    {
        /// <summary>The replacement is written and fsynced under <c>.cleaned</c> names; the swap has not begun.</summary>
        CleanedWritten,

        /// <summary>The replacement's files are named <c>.swap</c>; the old segments are untouched.</summary>
        SwapRenamed,

        /// <summary>The old segments' files are named <c>.deleted</c>; the replacement's are still <c>.swap</c>.</summary>
        OldSegmentsDeleted,
    }

    /// <summary>
    /// Finishes every decided swap in <paramref name="directory"/> and deletes the index files of
    /// undecided ones. Runs at start-up after <c>.cleaned</c> and <c>.deleted</c> leftovers are gone and
    /// before any segment is opened. Returns how many swaps it completed.
    /// </summary>
    public static int CompleteInterrupted(string directory, ILogger logger)
    {
        var swaps = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentFiles.LogExtension + SegmentFiles.SwapSuffix))
        {
            var name = Path.GetFileName(path);
            if (SegmentFiles.TryParseBaseOffset(name[..^SegmentFiles.SwapSuffix.Length], SegmentFiles.LogExtension, out var baseOffset))
            {
                swaps.Add(baseOffset);
            }
        }

        swaps.Sort();
        foreach (var baseOffset in swaps)
        {
            var swapLog = SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogExtension) + SegmentFiles.SwapSuffix;
            var end = Math.Max(ReadNextOffset(swapLog, baseOffset), baseOffset + 1);
            var replaced = DeleteReplacedSegments(directory, baseOffset, end);

            // Indexes were renamed before the log at each step: one no longer named .swap already has its final name.
            foreach (var extension in IndexExtensions)
            {
                var swapIndex = SegmentFiles.PathOf(directory, baseOffset, extension) + SegmentFiles.SwapSuffix;
                if (File.Exists(swapIndex))
                {
                    File.Move(swapIndex, SegmentFiles.PathOf(directory, baseOffset, extension), overwrite: true);
                }
            }

            File.Move(swapLog, SegmentFiles.PathOf(directory, baseOffset, SegmentFiles.LogExtension), overwrite: true);
            logger.LogWarning(
                "Completed an interrupted cleaner swap in {Directory}: segment {BaseOffset} replaces the old segments below offset {End} ({Replaced} old file(s) removed)",
                directory,
                baseOffset,
                end,
                replaced);
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + SegmentFiles.SwapSuffix))
        {
            File.Delete(path); // an index of a swap that was never decided
        }

        return swaps.Count;
    }

    /// <summary>Deletes files of old segments based in (<paramref name="baseOffset"/>, <paramref name="end"/>); the one at the base itself is overwritten by the caller.</summary>
    private static int DeleteReplacedSegments(string directory, long baseOffset, long end)
    {
        var deleted = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            foreach (var extension in SegmentExtensions)
            {
                if (SegmentFiles.TryParseBaseOffset(name, extension, out var offset) && offset > baseOffset && offset < end)
                {
                    File.Delete(path);
                    deleted++;
                    break;
                }
            }
        }

        return deleted;
    }

    /// <summary>The offset after the last whole batch of a segment file, walking batch headers from the start.</summary>
    private static long ReadNextOffset(string logPath, long baseOffset)
    {
        using var file = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        var length = file.Length;
        Span<byte> header = stackalloc byte[RecordBatchLayout.HeaderSize];
        long position = 0;
        var next = baseOffset;
        while (length - position >= RecordBatchLayout.HeaderSize)
        {
            file.Position = position;
            file.ReadExactly(header);
            if (!BatchHeader.TryRead(header, length - position, next, out var batch))
            {
                break;
            }

            next = batch.NextOffset;
            position += batch.SizeInBytes;
        }

        return next;
    }
}
