using System.Globalization;
using System.Text;
using LogBroker.Storage.Checkpoints;

namespace LogBroker.Storage.Log;

/// <summary>
/// The leader epochs a partition's log has seen and the offset each began at, persisted in
/// <c>leader-epoch-checkpoint</c> (Kafka's format: version, count, "epoch startOffset" lines). After a
/// failover a follower asks the new leader where its epoch ended and truncates to that point, which is
/// how divergent tails are removed without losing committed data. Thread-safe; the lock also covers
/// the checkpoint write, which happens once per leader change, so that files land in epoch order.
/// </summary>
public sealed class LeaderEpochCache
{
    public const string FileName = "leader-epoch-checkpoint";

    private readonly string _path;
    private readonly Lock _lock = new();
    private List<EpochEntry> _entries;

    private LeaderEpochCache(string path, List<EpochEntry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public readonly record struct EpochEntry(int Epoch, long StartOffset);

    public static LeaderEpochCache Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var entries = new List<EpochEntry>();
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length < 2 || lines[0] != "0" || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var count) || count != lines.Length - 2)
            {
                throw new InvalidDataException($"{path} is malformed");
            }

            for (var i = 2; i < lines.Length; i++)
            {
                var parts = lines[i].Split(' ');
                if (parts.Length != 2
                    || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var epoch)
                    || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var start))
                {
                    throw new InvalidDataException($"{path} line {i + 1} is malformed: '{lines[i]}'");
                }

                entries.Add(new EpochEntry(epoch, start));
            }
        }

        return new LeaderEpochCache(path, entries);
    }

    public IReadOnlyList<EpochEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The latest epoch, or -1 when none was ever recorded.</summary>
    public int LatestEpoch
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count == 0 ? -1 : _entries[^1].Epoch;
            }
        }
    }

    /// <summary>Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>, if it is newer than the latest.</summary>
    public void Assign(int epoch, long startOffset)
    {
        if (epoch < 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Count > 0 && (epoch <= _entries[^1].Epoch || startOffset < _entries[^1].StartOffset))
            {
                return;
            }

            _entries.Add(new EpochEntry(epoch, startOffset));
            Persist();
        }
    }

    /// <summary>Forgets epochs that start at or after <paramref name="endOffset"/>: the log was truncated there.</summary>
    public void TruncateFromEnd(long endOffset)
    {
        lock (_lock)
        {
            var kept = _entries.FindAll(e => e.StartOffset < endOffset);
            if (kept.Count != _entries.Count)
            {
                _entries = kept;
                Persist();
            }
        }
    }

    /// <summary>The log now starts at <paramref name="startOffset"/>: drop epochs that ended before it and clamp the first.</summary>
    public void TruncateFromStart(long startOffset)
    {
        lock (_lock)
        {
            var firstKept = _entries.FindLastIndex(e => e.StartOffset <= startOffset);
            if (firstKept < 0 || (firstKept == 0 && _entries[0].StartOffset == startOffset))
            {
                return;
            }

            var kept = _entries.GetRange(firstKept, _entries.Count - firstKept);
            kept[0] = kept[0] with { StartOffset = startOffset };
            _entries = kept;
            Persist();
        }
    }

    /// <summary>
    /// For a follower's question "where did epoch <paramref name="epoch"/> end?": the largest epoch at
    /// most the one asked about, and the start of the next epoch (or the log end offset if it is the
    /// latest). (-1, -1) when the log knows no epoch that old.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int epoch, long logEndOffset)
    {
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                if (_entries[i].Epoch <= epoch)
                {
                    return (_entries[i].Epoch, i == _entries.Count - 1 ? logEndOffset : _entries[i + 1].StartOffset);
                }
            }

            return (-1, -1);
        }
    }

    private void Persist()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"0\n{_entries.Count}\n");
        foreach (var e in _entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.Epoch} {e.StartOffset}\n");
        }

        AtomicFile.WriteText(_path, text.ToString());
    }
}
