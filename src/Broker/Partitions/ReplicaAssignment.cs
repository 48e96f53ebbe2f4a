using System.Collections.Immutable;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// A replica's role and the partition's replication state as this broker acts on it: from the
/// metadata image, or newer where the leader's own ISR change was accepted before the image caught
/// up. Immutable; published by swapping the reference.
/// </summary>
public sealed record ReplicaAssignment(
    PartitionRole Role,
    int LeaderId,
    int LeaderEpoch,
    int PartitionEpoch,
    ImmutableArray<int> Replicas,
    ImmutableArray<int> Isr)
{
    public static ReplicaAssignment Unassigned { get; } = new(PartitionRole.None, -1, -1, -1, [], []);
}
