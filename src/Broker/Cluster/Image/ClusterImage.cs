using System.Collections.Immutable;
using LogBroker.Protocol;

namespace LogBroker.Broker.Cluster.Image;

/// <summary>
/// The cluster metadata as of one entry of the metadata log (<see cref="Offset"/>, 0 before any):
/// brokers, topics with their partitions, and the next producer id the controller hands out. Every
/// broker builds the same image from the same entries. Immutable: readers take the current instance
/// without locking, and a change publishes a new one.
/// </summary>
public sealed record ClusterImage(
    long Offset,
    ImmutableDictionary<int, BrokerRegistration> Brokers,
    ImmutableDictionary<string, TopicImage> Topics,
    long NextProducerId)
{
    public static ClusterImage Empty { get; } = new(
        0,
        ImmutableDictionary<int, BrokerRegistration>.Empty,
        ImmutableDictionary.Create<string, TopicImage>(StringComparer.Ordinal),
        0);

    public bool TryGetPartition(TopicPartition topicPartition, out PartitionImage partition)
    {
        if (Topics.TryGetValue(topicPartition.Topic, out var topic))
        {
            return topic.TryGetPartition(topicPartition.Partition, out partition);
        }

        partition = null!;
        return false;
    }

    /// <summary>Whether <paramref name="brokerId"/> is registered, unfenced and not shutting down.</summary>
    public bool IsActive(int brokerId) => Brokers.TryGetValue(brokerId, out var broker) && broker.IsActive;

    /// <summary>The gRPC address of a registered broker, or null.</summary>
    public string? AddressOf(int brokerId) => Brokers.TryGetValue(brokerId, out var broker) ? broker.Address : null;
}
