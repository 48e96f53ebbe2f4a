using System.Diagnostics.CodeAnalysis;
using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// The <c>cleaner-offset-checkpoint</c> file of the data directory: per partition, the offset where its
/// dirty part starts (everything below it was cleaned at least once). Kafka's format, through
/// <see cref="OffsetCheckpointFile"/>. Every change is in memory at once and rewritten to the file
/// before the call that made it returns. The lock over the offsets is never held while the file is
/// written: writers take turns (one writes the latest state, covering every change before it), so
/// files land in the order of the changes and readers never wait for the disk.
/// <para>
/// A truncation moves a partition's offset back to the new log end at once (offsets written again must
/// be cleaned as dirty), and counts, so that a cleaning that ran across a truncation does not move the
/// offset forward over the rewritten offsets when it finishes.
/// </para>
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The writers' semaphore never hands out its wait handle, so it holds nothing to dispose; a deleted log may be forgotten after the cleaner is disposed.")]
internal sealed class CleanerCheckpoint
{
    public const string FileName = "cleaner-offset-checkpoint";

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Dictionary<TopicPartition, long> _offsets;
    private readonly Dictionary<TopicPartition, int> _truncations = [];
    private long _version;
    private long _writtenVersion;

    private CleanerCheckpoint(string path, Dictionary<TopicPartition, long> offsets)
    {
        _path = path;
        _offsets = offsets;
    }

    /// <summary>A test's hook, run by the writer just before it writes the file.</summary>
    internal Action? BeforeWrite { get; set; }

    /// <summary>Reads the file in <paramref name="dataDirectory"/>. A damaged file is ignored: every log then counts as dirty from its start, which is safe.</summary>
    public static CleanerCheckpoint Load(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, FileName);
        Dictionary<TopicPartition, long> offsets;
        try
        {
            offsets = OffsetCheckpointFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            logger.LogWarning(e, "Ignoring damaged cleaner checkpoint {Path}: every compacted log is dirty from its start", path);
            offsets = [];
        }

        return new CleanerCheckpoint(path, offsets);
    }

    /// <summary>The first dirty offset recorded for <paramref name="partition"/>, if it was ever cleaned.</summary>
    public long? FirstDirtyOffset(TopicPartition partition)
    {
        lock (_lock)
        {
            return _offsets.TryGetValue(partition, out var offset) ? offset : null;
        }
    }

    /// <summary>How many truncations of <paramref name="partition"/> this process has seen; a cleaning reads it when it starts.</summary>
    public int TruncationCount(TopicPartition partition)
    {
        lock (_lock)
        {
            return _truncations.GetValueOrDefault(partition);
        }
    }

    /// <summary>Records that <paramref name="partition"/> is clean up to <paramref name="offset"/>, unless it was truncated since the cleaning began.</summary>
    public bool TryAdvance(TopicPartition partition, long offset, int truncationCountAtStart)
    {
        long version;
        lock (_lock)
        {
            if (_truncations.GetValueOrDefault(partition) != truncationCountAtStart)
            {
                return false;
            }

            _offsets[partition] = offset;
            version = ++_version;
        }

        WriteThrough(version);
        return true;
    }

    /// <summary>After a truncation to <paramref name="logEndOffset"/>: the dirty part starts there at the latest.</summary>
    public void Truncate(TopicPartition partition, long logEndOffset)
    {
        long version;
        lock (_lock)
        {
            _truncations[partition] = _truncations.GetValueOrDefault(partition) + 1;
            if (!_offsets.TryGetValue(partition, out var offset) || offset <= logEndOffset)
            {
                return;
            }

            _offsets[partition] = logEndOffset;
            version = ++_version;
        }

        WriteThrough(version);
    }

    /// <summary>Forgets a deleted partition, so a new one of the same name starts dirty from its start.</summary>
    public void Remove(TopicPartition partition)
    {
        long version;
        lock (_lock)
        {
            if (!_offsets.Remove(partition))
            {
                return;
            }

            version = ++_version;
        }

        WriteThrough(version);
    }

    /// <summary>Returns once the file holds change <paramref name="version"/> or a later one, writing it if no other writer already has.</summary>
    private void WriteThrough(long version)
    {
        _writer.Wait();
        try
        {
            Dictionary<TopicPartition, long> snapshot;
            long snapshotVersion;
            lock (_lock)
            {
                if (_writtenVersion >= version)
                {
                    return;
                }

                snapshot = new Dictionary<TopicPartition, long>(_offsets);
                snapshotVersion = _version;
            }

            BeforeWrite?.Invoke();
            OffsetCheckpointFile.Write(_path, snapshot);
            lock (_lock)
            {
                _writtenVersion = snapshotVersion;
            }
        }
        finally
        {
            _writer.Release();
        }
    }
}
