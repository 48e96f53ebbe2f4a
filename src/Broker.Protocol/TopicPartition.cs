using System.Globalization;

namespace LogBroker.Protocol;

/// <summary>A partition of a topic: the unit of ordering, storage and leadership.</summary>
public readonly record struct TopicPartition(string Topic, int Partition) : IComparable<TopicPartition>
{
    /// <summary>The directory name of the partition's log: <c>&lt;topic&gt;-&lt;partition&gt;</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}-{Partition}");

    /// <summary>Orders by topic (ordinal), then partition number.</summary>
    public int CompareTo(TopicPartition other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    public static bool operator <(TopicPartition left, TopicPartition right) => left.CompareTo(right) < 0;

    public static bool operator >(TopicPartition left, TopicPartition right) => left.CompareTo(right) > 0;

    public static bool operator <=(TopicPartition left, TopicPartition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(TopicPartition left, TopicPartition right) => left.CompareTo(right) >= 0;

    /// <summary>Parses a partition directory name; topic names may contain '-', so the last one splits.</summary>
    public static bool TryParse(string directoryName, out TopicPartition topicPartition)
    {
        topicPartition = default;
        var dash = directoryName.LastIndexOf('-');
        if (dash <= 0 || dash == directoryName.Length - 1)
        {
            return false;
        }

        var topic = directoryName[..dash];
        if (!int.TryParse(directoryName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !TopicName.IsValid(topic, out _))
        {
            return false;
        }

        topicPartition = new TopicPartition(topic, partition);
        return true;
    }
}
