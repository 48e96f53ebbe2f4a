using LogBroker.Protocol;

namespace LogBroker.Client;

/// <summary>Partitions a consumer group gave this consumer, took back, or that it lost by being fenced.</summary>
public sealed class PartitionsChangedEventArgs(IReadOnlyList<TopicPartition> partitions) : EventArgs
{
    public IReadOnlyList<TopicPartition> Partitions { get; } = partitions;
}
