using System.Buffers;
using System.Buffers.Binary;
using LogBroker.Broker.Cluster.Quorum;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>
/// The tests' metadata image: the applied entries, in order, with their indexes. Its snapshot is the
/// whole list. <see cref="FailNextApply"/> makes one Apply throw, to provoke the watchdog.
/// </summary>
internal sealed class ListStateMachine : IMetadataStateMachine
{
    private readonly Lock _lock = new();
    private List<(long Index, string Value)> _entries = [];
    private int _failNext;

    /// <summary>The next Apply throws, once.</summary>
    public void FailNextApply() => Volatile.Write(ref _failNext, 1);

    public int Restores { get; private set; }

    public long LastRestoredIndex { get; private set; }

    public IReadOnlyList<string> Values
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Select(e => e.Value)];
            }
        }
    }

    public IReadOnlyList<(long Index, string Value)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public void Apply(long index, ReadOnlySpan<byte> entry)
    {
        if (Interlocked.Exchange(ref _failNext, 0) == 1)
        {
            throw new InvalidOperationException($"test state machine refuses entry {index} once");
        }

        lock (_lock)
        {
            if (_entries.Count > 0 && _entries[^1].Index >= index)
            {
                throw new InvalidOperationException($"entry {index} applied after entry {_entries[^1].Index}");
            }

            _entries.Add((index, System.Text.Encoding.UTF8.GetString(entry)));
        }
    }

    public void WriteSnapshot(IBufferWriter<byte> output)
    {
        lock (_lock)
        {
            foreach (var (index, value) in _entries)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(value);
                var span = output.GetSpan(12 + bytes.Length);
                BinaryPrimitives.WriteInt64BigEndian(span, index);
                BinaryPrimitives.WriteInt32BigEndian(span[8..], bytes.Length);
                bytes.CopyTo(span[12..]);
                output.Advance(12 + bytes.Length);
            }
        }
    }

    public void RestoreSnapshot(long index, ReadOnlySpan<byte> snapshot)
    {
        var entries = new List<(long, string)>();
        while (!snapshot.IsEmpty)
        {
            var entryIndex = BinaryPrimitives.ReadInt64BigEndian(snapshot);
            var length = BinaryPrimitives.ReadInt32BigEndian(snapshot[8..]);
            entries.Add((entryIndex, System.Text.Encoding.UTF8.GetString(snapshot.Slice(12, length))));
            snapshot = snapshot[(12 + length)..];
        }

        lock (_lock)
        {
            _entries = entries;
            Restores++;
            LastRestoredIndex = index;
        }
    }
}
