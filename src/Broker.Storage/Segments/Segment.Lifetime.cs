using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Wire;
using LogBroker.Storage.Config;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Log;
using LogBroker.Storage.Mapping;
using Microsoft.Win32.SafeHandles;

namespace LogBroker.Storage.Segments;

/// <summary>A segment's lifetime: reader references, sealing, clean close, renames and deletion.</summary>
public sealed partial class Segment
{
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _refCount);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _refCount, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        var remaining = Interlocked.Decrement(ref _refCount);
        if (remaining == 0)
        {
            CloseFiles();
        }
        else if (remaining < 0)
        {
            throw new InvalidOperationException($"segment {BaseOffset} of {Directory} was released more often than acquired");
        }
    }

    /// <summary>Makes this the sealed, read-only segment behind a new active one: trims index files to their entries and the log to its data.</summary>
    internal void Seal()
    {
        _active = false;
        _offsetIndex.Trim();
        _timeIndex.Trim();
        RandomAccess.SetLength(_log, _extent);
    }

    /// <summary>Clean shutdown: once the last reader is done, files are trimmed exactly to their data.</summary>
    internal void Close()
    {
        _trimOnClose = true;
        Release();
    }

    /// <summary>
    /// Renames the three files from their current suffix to <paramref name="suffix"/> (empty for the
    /// final names). The indexes go first and the log last, so the log's name is the commit point of
    /// each step of the cleaner's swap: a <c>.log.swap</c> on disk means every index already left
    /// <c>.cleaned</c>, and an index still named <c>.swap</c> beside a final <c>.log</c> cannot happen
    /// (see <see cref="SegmentSwap"/> for what start-up does with each state). The directory is
    /// fsynced after the step, so a power failure cannot undo it once the next step has begun.
    /// Caller: the cleaner, before the segment is in a log, or the log under its write lock.
    /// </summary>
    internal void ChangeFileSuffix(string suffix)
    {
        _offsetIndex.RenameTo(SegmentFiles.PathOf(Directory, BaseOffset, SegmentFiles.IndexExtension) + suffix);
        _timeIndex.RenameTo(SegmentFiles.PathOf(Directory, BaseOffset, SegmentFiles.TimeIndexExtension) + suffix);
        var logPath = SegmentFiles.PathOf(Directory, BaseOffset, SegmentFiles.LogExtension) + suffix;
        File.Move(_logPath, logPath, overwrite: true);
        _logPath = logPath;
        _suffix = suffix;
        DirectoryFsync.Flush(Directory);
    }

    /// <summary>
    /// Removal by retention, truncation or compaction: files are renamed <c>*.deleted</c> now (so a
    /// restart never brings them back) and deleted once the last reader is done.
    /// </summary>
    internal void MarkDeleted()
    {
        _deleted = true;
        var deletedLog = _logPath + SegmentFiles.DeletedSuffix;
        File.Move(_logPath, deletedLog, overwrite: true);
        _logPath = deletedLog;
        _offsetIndex.RenameTo(_offsetIndex.FilePath + SegmentFiles.DeletedSuffix);
        _timeIndex.RenameTo(_timeIndex.FilePath + SegmentFiles.DeletedSuffix);
        Release();
    }

    private void CloseFiles()
    {
        var trim = _trimOnClose && !_deleted;
        if (trim)
        {
            _offsetIndex.TrimExact();
            _timeIndex.TrimExact();
        }

        _offsetIndex.Dispose();
        _timeIndex.Dispose();
        _logMap.Dispose();
        if (trim)
        {
            RandomAccess.SetLength(_log, _size);
        }

        _log.Dispose();
        if (_deleted)
        {
            File.Delete(_logPath);
            File.Delete(_offsetIndex.FilePath);
            File.Delete(_timeIndex.FilePath);
        }
    }
}
