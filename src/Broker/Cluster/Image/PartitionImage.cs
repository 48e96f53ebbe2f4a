using System.Collections.Immutable;

namespace LogBroker.Broker.Cluster.Image;

/// <summary>
/// One partition as the metadata log last recorded it: where its replicas are, which of them are in
/// sync, who leads, and the epochs that order these facts. <see cref="PartitionEpoch"/> grows with
/// every change (a leader's ISR proposal must name the epoch it changes, Kafka's AlterPartition);
/// <see cref="LeaderEpoch"/> grows with every change of leader and is stamped into every batch the
/// leader appends. Immutable.
/// </summary>
public sealed record PartitionImage(
    int Partition,
    ImmutableArray<int> Replicas,
    ImmutableArray<int> Isr,
    ImmutableArray<int> Elr,
    int Leader,
    int LeaderEpoch,
    int PartitionEpoch)
{
    public const int NoLeader = -1;

    /// <summary>The first replica: the leader a preferred-leader election moves leadership back to.</summary>
    public int PreferredLeader => Replicas.IsEmpty ? NoLeader : Replicas[0];

    public bool HasLeader => Leader != NoLeader;

    public bool IsUnderReplicated => Isr.Length < Replicas.Length;

    public bool IsReplica(int brokerId) => Replicas.Contains(brokerId);

    public bool IsInSync(int brokerId) => Isr.Contains(brokerId);

    /// <summary>
    /// A changed copy with the epochs moved as the contract says: the partition epoch always, the
    /// leader epoch when the leader changes. Returns this instance when nothing changes.
    /// </summary>
    public PartitionImage With(ImmutableArray<int>? isr = null, ImmutableArray<int>? elr = null, int? leader = null)
    {
        var newIsr = isr ?? Isr;
        var newElr = elr ?? Elr;
        var newLeader = leader ?? Leader;
        if (newIsr.SequenceEqual(Isr) && newElr.SequenceEqual(Elr) && newLeader == Leader)
        {
            return this;
        }

        return this with
        {
            Isr = newIsr,
            Elr = newElr,
            Leader = newLeader,
            LeaderEpoch = newLeader == Leader ? LeaderEpoch : LeaderEpoch + 1,
            PartitionEpoch = PartitionEpoch + 1,
        };
    }

    public override string ToString() =>
        $"partition {Partition} leader {Leader} (epoch {LeaderEpoch}) replicas [{string.Join(',', Replicas)}] isr [{string.Join(',', Isr)}] elr [{string.Join(',', Elr)}] partition epoch {PartitionEpoch}";
}
