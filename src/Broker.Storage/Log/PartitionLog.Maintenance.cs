using System.Buffers.Binary;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Wire;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Log;

/// <summary>A log's maintenance: truncation, retention, the cleaner's segment swap, flushing, releasing mapped pages.</summary>
public sealed partial class PartitionLog
{
    /// <summary>
    /// Removes every batch from the one holding <paramref name="offset"/> on, as a follower does when it
    /// diverged from a new leader. Returns the new log end offset. The producer state is rebuilt as of
    /// the new log end: from the latest snapshot at or below it, replaying the batches after it.
    /// </summary>
    public long TruncateTo(long offset)
    {
        List<Segment> removed = [];
        long logEnd;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (offset >= _logEndOffset)
            {
                return _logEndOffset;
            }

            var segments = _segments;
            if (offset <= segments[0].BaseOffset)
            {
                TruncateFullyAndStartAtLocked(offset, removed);
                logEnd = offset;
            }
            else
            {
                var keep = FloorSegment(segments, offset);
                var target = segments[keep];
                if (!target.IsActive)
                {
                    // A sealed segment becomes the active one again: a new instance over the same files
                    // with a writable map; readers of the old instance finish on it undisturbed.
                    var reopened = Segment.OpenExisting(Directory, target.BaseOffset, Config, _time.GetUtcNow().ToUnixTimeMilliseconds(), active: true, inheritedExtent: target.Extent);
                    target.Release();
                    target = reopened;
                }

                removed.AddRange(segments.AsSpan(keep + 1));
                Volatile.Write(ref _truncations, _truncations + 1);
                logEnd = target.TruncateTo(offset);
                Volatile.Write(ref _segments, [.. segments.AsSpan(0, keep), target]);
                Volatile.Write(ref _logEndOffset, logEnd);
                _producers.Rebuild(_segments, _logStartOffset, logEnd, durable: true);
            }

            if (HighWatermark > logEnd)
            {
                Volatile.Write(ref _highWatermark, logEnd);
            }

            if (FlushedOffset > logEnd)
            {
                Volatile.Write(ref _recoveryPoint, logEnd);
            }

            // Every offset from the floor on is gone, and with it every batch found corrupt.
            if (Volatile.Read(ref _corruptionFloor) >= logEnd)
            {
                Volatile.Write(ref _corruptionFloor, NoCorruption);
            }
        }

        foreach (var segment in removed)
        {
            segment.MarkDeleted();
        }

        LeaderEpochs.TruncateFromEnd(logEnd);
        TruncationObserver?.Invoke(this, logEnd);
        return logEnd;
    }

    /// <summary>Drops the whole log and starts it again, empty, at <paramref name="offset"/> (a follower far behind a leader whose log start passed it).</summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        List<Segment> removed = [];
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            TruncateFullyAndStartAtLocked(offset, removed);
        }

        foreach (var segment in removed)
        {
            segment.MarkDeleted();
        }

        LeaderEpochs.TruncateFromEnd(offset);
        TruncationObserver?.Invoke(this, offset);
    }

    /// <summary>
    /// Applies <c>retention.ms</c> and <c>retention.bytes</c>: deletes the oldest sealed segments that
    /// are past either limit and lie wholly below the high watermark, and moves the log start offset to
    /// the first segment kept. Returns the number of segments deleted. Producers whose newest batch was
    /// deleted are forgotten, with the producer snapshots below the new log start.
    /// </summary>
    public int DeleteRetentionBreachedSegments()
    {
        var config = Config;
        if (!config.DeletesByRetention || (config.RetentionMs < 0 && config.RetentionBytes < 0))
        {
            return 0;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Segment[] segments;
        int delete;
        lock (_writeLock)
        {
            if (_closed)
            {
                return 0;
            }

            segments = _segments;
            delete = RetentionPolicy.SegmentsToDelete(segments, SizeInBytes, config, now, HighWatermark);
            if (delete == 0)
            {
                return 0;
            }

            // Start offset first: a reader that sees the new segment array must also see the new start
            // (it reads them in the other order), or it would read past the deleted range silently.
            var kept = segments[delete..];
            Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, kept[0].BaseOffset));
            Volatile.Write(ref _segments, kept);
            _producers.OnLogStartAdvanced(_logStartOffset);
        }

        for (var i = 0; i < delete; i++)
        {
            segments[i].MarkDeleted();
        }

        LeaderEpochs.TruncateFromStart(LogStartOffset);
        _logger.LogInformation("Retention deleted {Count} segment(s) of {TopicPartition}; log start offset is now {LogStartOffset}", delete, TopicPartition, LogStartOffset);
        return delete;
    }

    /// <summary>
    /// The cleaner's swap (see <see cref="SegmentSwap"/>): puts <paramref name="replacement"/>, a sealed
    /// and fsynced segment whose files are named <c>.cleaned</c>, in place of <paramref name="replaced"/>.
    /// Returns false, changing nothing, when those are no longer consecutive sealed segments of this log
    /// (retention or truncation got there first); the caller then discards the replacement.
    /// <para>
    /// One array write publishes the change, so a reader sees the old segments or the new one, never a
    /// mix; a reader holding an old segment finishes on it. The renames happen under the write lock so
    /// that no roll or truncation can create files under the same names in between; they are metadata
    /// operations only. The caller holds a reference on every replaced segment, so their files are
    /// deleted at its release, outside the lock. <paramref name="haltAt"/> lets a test stop the swap
    /// where a crash could, leaving the files exactly as they are (the log must then be abandoned).
    /// </para>
    /// </summary>
    internal bool ReplaceSegments(Segment[] replaced, Segment replacement, Func<SegmentSwap.Stage, bool>? haltAt = null)
    {
        lock (_writeLock)
        {
            var segments = _segments;
            var first = Array.IndexOf(segments, replaced[0]);
            if (_closed || first < 0 || first + replaced.Length >= segments.Length || replaced[0].BaseOffset != replacement.BaseOffset)
            {
                return false;
            }

            for (var i = 1; i < replaced.Length; i++)
            {
                if (!ReferenceEquals(segments[first + i], replaced[i]))
                {
                    return false;
                }
            }

            replacement.ChangeFileSuffix(SegmentFiles.SwapSuffix);
            if (haltAt?.Invoke(SegmentSwap.Stage.SwapRenamed) == true)
            {
                return true;
            }

            Volatile.Write(ref _segments, [.. segments.AsSpan(0, first), replacement, .. segments.AsSpan(first + replaced.Length)]);
            foreach (var segment in replaced)
            {
                segment.MarkDeleted();
            }

            if (haltAt?.Invoke(SegmentSwap.Stage.OldSegmentsDeleted) == true)
            {
                return true;
            }

            replacement.ChangeFileSuffix(string.Empty);
        }

        return true;
    }

    /// <summary>
    /// fsync of every segment with unflushed data and of the producer snapshots written since the last
    /// flush, then the recovery point moves to what was flushed.
    /// <para>
    /// The log end is read before the fsyncs and the recovery point written after them, so a truncation in
    /// between (and appends after it, not yet fsynced, under offsets that were) would otherwise leave the
    /// recovery point above the log end or over unflushed data. The new point is therefore published
    /// under the write lock, which every truncation holds, capped at the current log end, and not at all
    /// when a truncation happened since the log end was read: the next flush covers it.
    /// </para>
    /// </summary>
    public void Flush()
    {
        lock (_flushLock)
        {
            var truncations = Volatile.Read(ref _truncations);
            var logEnd = LogEndOffset;
            var recoveryPoint = FlushedOffset;
            foreach (var segment in Volatile.Read(ref _segments))
            {
                if (segment.NextOffset <= recoveryPoint && !segment.IsActive)
                {
                    continue;
                }

                if (segment.TryAcquire())
                {
                    try
                    {
                        segment.Flush();
                    }
                    finally
                    {
                        segment.Release();
                    }
                }
            }

            _producers.SyncSnapshots();
            FlushSynced?.Invoke();
            lock (_writeLock)
            {
                var flushed = Math.Min(logEnd, _logEndOffset);
                if (_truncations == truncations && flushed > _recoveryPoint)
                {
                    Volatile.Write(ref _recoveryPoint, flushed);
                }
            }

            Volatile.Write(ref _lastFlushMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Releases the resident pages of every segment's map; readers map again what they touch next.</summary>
    public void ReleaseResidentPages()
    {
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.TryAcquire())
            {
                try
                {
                    segment.ReleaseResidentPages();
                }
                finally
                {
                    segment.Release();
                }
            }
        }
    }

    /// <summary>Flushes if unflushed data is older than <c>flush.ms</c>. Called by the log manager's flush loop.</summary>
    public bool FlushIfDue()
    {
        var flushMs = Config.FlushMs;
        if (flushMs == long.MaxValue || LogEndOffset == FlushedOffset)
        {
            return false;
        }

        if (_time.GetUtcNow().ToUnixTimeMilliseconds() - Volatile.Read(ref _lastFlushMs) < flushMs)
        {
            return false;
        }

        Flush();
        return true;
    }

    private void TruncateFullyAndStartAtLocked(long offset, List<Segment> removed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        removed.AddRange(_segments);

        // The new segment may share a base offset with an old one: move the old files aside first.
        foreach (var segment in removed)
        {
            if (segment.BaseOffset == offset)
            {
                segment.MarkDeleted();
            }
        }

        removed.RemoveAll(segment => segment.BaseOffset == offset);
        Volatile.Write(ref _truncations, _truncations + 1);
        var fresh = Segment.CreateNew(Directory, offset, Config, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Volatile.Write(ref _logStartOffset, offset);
        Volatile.Write(ref _logEndOffset, offset);
        Volatile.Write(ref _highWatermark, offset);
        Volatile.Write(ref _recoveryPoint, offset);
        Volatile.Write(ref _corruptionFloor, NoCorruption);
        Volatile.Write(ref _segments, [fresh]);
        _producers.TruncateFullyAndStartAt(offset);
    }
}
