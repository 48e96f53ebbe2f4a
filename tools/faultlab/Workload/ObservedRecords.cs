namespace LogBroker.Faultlab.Workload;

/// <summary>
/// What readers during the run saw at each offset of each partition (first sighting wins), so the
/// checker can compare it with the final log: a record seen at an offset that later holds another
/// record, or none, was a dirty read of data the log then lost. Also keeps how far readers got per
/// partition. Thread-safe (one lock: readers add a few thousand records a second at most).
/// </summary>
public sealed class ObservedRecords
{
    /// <summary>Marks an offset nobody has seen.</summary>
    private static readonly RecordId Unseen = new(-1, -1);

    private readonly Lock _lock = new();
    private readonly List<RecordId>[] _byOffset;
    private readonly long[] _conflicts;

    public ObservedRecords(int partitions)
    {
        _byOffset = [.. Enumerable.Range(0, partitions).Select(_ => new List<RecordId>())];
        _conflicts = new long[partitions];
    }

    public int Partitions => _byOffset.Length;

    /// <summary>A reader saw <paramref name="id"/> at <paramref name="offset"/>; a different record already seen there counts as a conflict.</summary>
    public void Observe(int partition, long offset, RecordId id)
    {
        lock (_lock)
        {
            var seen = _byOffset[partition];
            while (seen.Count <= offset)
            {
                seen.Add(Unseen);
            }

            var index = checked((int)offset);
            if (seen[index] == Unseen)
            {
                seen[index] = id;
            }
            else if (seen[index] != id)
            {
                _conflicts[partition]++;
            }
        }
    }

    /// <summary>The record seen at an offset, or null.</summary>
    public RecordId? At(int partition, long offset)
    {
        lock (_lock)
        {
            var seen = _byOffset[partition];
            return offset < seen.Count && seen[(int)offset] != Unseen ? seen[(int)offset] : null;
        }
    }

    /// <summary>One past the highest offset seen in a partition (0 when none).</summary>
    public long End(int partition)
    {
        lock (_lock)
        {
            return _byOffset[partition].Count;
        }
    }

    /// <summary>Offsets where two readers (or one, twice) saw different records.</summary>
    public long Conflicts(int partition)
    {
        lock (_lock)
        {
            return _conflicts[partition];
        }
    }

    /// <summary>Every (offset, record) seen in a partition, in offset order.</summary>
    public IReadOnlyList<(long Offset, RecordId Id)> Seen(int partition)
    {
        lock (_lock)
        {
            return [.. _byOffset[partition].Select((id, offset) => ((long)offset, id)).Where(p => p.id != Unseen)];
        }
    }
}
