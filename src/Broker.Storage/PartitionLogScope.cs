using System.Collections;
using LogBroker.Protocol;

namespace LogBroker.Storage;

/// <summary>
/// The logging scope of one partition (Topic and Partition), built once per log: the log manager's
/// loops open it around every partition on every pass (the flush loop ten times a second), so a fresh
/// state object each time would be steady garbage. Immutable; shared by every thread.
/// </summary>
internal sealed class PartitionLogScope : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly KeyValuePair<string, object>[] _entries;
    private readonly string _text;

    public PartitionLogScope(TopicPartition partition)
    {
        _entries = [new("Topic", partition.Topic), new("Partition", partition.Partition)];
        _text = $"Topic:{partition.Topic} Partition:{partition.Partition}";
    }

    public int Count => _entries.Length;

    public KeyValuePair<string, object> this[int index] => _entries[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text;
}
