using System.Collections.Immutable;

namespace LogBroker.Broker.Cluster.Image;

/// <summary>
/// A topic as the cluster metadata records it: identity, the configs set on the topic itself
/// (everything else comes from the broker defaults) and its partitions, indexed by partition number.
/// Immutable; changes make a new one.
/// </summary>
public sealed record TopicImage(
    string Name,
    Guid TopicId,
    ImmutableDictionary<string, string> ConfigOverrides,
    bool IsInternal,
    ImmutableArray<PartitionImage> Partitions)
{
    public int PartitionCount => Partitions.Length;

    public int ReplicationFactor => Partitions.IsEmpty ? 0 : Partitions[0].Replicas.Length;

    public bool TryGetPartition(int partition, out PartitionImage image)
    {
        if (partition >= 0 && partition < Partitions.Length)
        {
            image = Partitions[partition];
            return true;
        }

        image = null!;
        return false;
    }
}
