using LogBroker.Protocol;

namespace LogBroker.Client;

/// <summary>A partition and a position in it: an offset, or one of <see cref="Offset"/>'s special values.</summary>
public readonly record struct TopicPartitionOffset(string Topic, int Partition, long Offset)
{
    public TopicPartitionOffset(TopicPartition partition, long offset)
        : this(partition.Topic, partition.Partition, offset)
    {
    }

    public TopicPartition TopicPartition => new(Topic, Partition);
}
