using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// The <c>cleaner-offset-checkpoint</c> file of the data directory: per partition, the offset where its
/// dirty part starts (everything below it was cleaned at least once). Kafka's format, through
/// <see cref="OffsetCheckpointFile"/>. The file is rewritten after every change, under the lock, so
/// writes land in the order of the changes; nothing on the append or fetch path waits for it.
/// <para>
/// A truncation moves a partition's offset back to the new log end at once (offsets written again must
/// be cleaned as dirty), and counts, so that a cleaning that ran across a truncation does not move the
/// offset forward over the rewritten offsets when it finishes.
/// </para>
/// </summary>
internal sealed class CleanerCheckpoint
{
    public const string FileName = "cleaner-offset-checkpoint";

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, long> _offsets;
    private readonly Dictionary<TopicPartition, int> _truncations = [];

    private CleanerCheckpoint(string path, Dictionary<TopicPartition, long> offsets)
    {
        _path = path;
        _offsets = offsets;
    }

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
        lock (_lock)
        {
            if (_truncations.GetValueOrDefault(partition) != truncationCountAtStart)
            {
                return false;
            }

            _offsets[partition] = offset;
            Write();
            return true;
        }
    }

    /// <summary>After a truncation to <paramref name="logEndOffset"/>: the dirty part starts there at the latest.</summary>
    public void Truncate(TopicPartition partition, long logEndOffset)
    {
        lock (_lock)
        {
            _truncations[partition] = _truncations.GetValueOrDefault(partition) + 1;
            if (_offsets.TryGetValue(partition, out var offset) && offset > logEndOffset)
            {
                _offsets[partition] = logEndOffset;
                Write();
            }
        }
    }

    /// <summary>Forgets a deleted partition, so a new one of the same name starts dirty from its start.</summary>
    public void Remove(TopicPartition partition)
    {
        lock (_lock)
        {
            if (_offsets.Remove(partition))
            {
                Write();
            }
        }
    }

    private void Write() => OffsetCheckpointFile.Write(_path, _offsets);
}
