using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Image;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// The controller's rules for changing a partition: electing leaders, taking a broker out of
/// service, and accepting a leader's ISR change. Pure functions of the partition and the brokers'
/// liveness, so they are tested alone.
/// <para>
/// Safety rests on three rules (Kafka's, with KIP-966's eligible leader replicas):
/// the leader's high watermark advances only while the ISR has at least
/// <c>min(min.insync.replicas, replication factor)</c> members, so every committed record is on that
/// many replicas; a replica leaving the ISR while it is (or becomes) smaller than that joins the
/// eligible leader replicas (ELR), which are known to hold every committed record because the high
/// watermark stopped advancing when they left; and only ISR members, then ELR members, are ever
/// elected, unless <c>unclean.leader.election.enable</c> is set. The ELR is cleared whenever the ISR is
/// large enough again, since the high watermark may then pass what ELR members hold. So no election
/// ever picks a replica that may lack a committed record, and a partition with no candidate left stays
/// offline rather than lose one.
/// </para>
/// </summary>
public static class PartitionChanges
{
    /// <summary>The ISR size below which the high watermark stops and departing members join the ELR.</summary>
    public static int EffectiveMinIsr(PartitionImage partition, int minInSyncReplicas) =>
        Math.Max(1, Math.Min(minInSyncReplicas, partition.Replicas.Length));

    /// <summary>
    /// The leader an election would pick: the first replica, in assignment order, that is active and in
    /// the ISR; else one in the ELR; else, only when <paramref name="unclean"/>, any active replica.
    /// </summary>
    public static (int Leader, LeaderSource Source) ChooseLeader(PartitionImage partition, Func<int, bool> isActive, bool unclean)
    {
        foreach (var replica in partition.Replicas)
        {
            if (partition.Isr.Contains(replica) && isActive(replica))
            {
                return (replica, LeaderSource.Isr);
            }
        }

        foreach (var replica in partition.Replicas)
        {
            if (partition.Elr.Contains(replica) && isActive(replica))
            {
                return (replica, LeaderSource.Elr);
            }
        }

        if (unclean)
        {
            foreach (var replica in partition.Replicas)
            {
                if (isActive(replica))
                {
                    return (replica, LeaderSource.Unclean);
                }
            }
        }

        return (PartitionImage.NoLeader, LeaderSource.None);
    }

    /// <summary>Elects a leader for a partition that has none (or whose leader is no longer active); unchanged when no candidate is active.</summary>
    public static PartitionImage ElectLeader(PartitionImage partition, Func<int, bool> isActive, bool unclean, int minInSyncReplicas)
    {
        if (partition.HasLeader && isActive(partition.Leader))
        {
            return partition;
        }

        var (leader, source) = ChooseLeader(partition, isActive, unclean);
        return WithLeader(partition, leader, source, minInSyncReplicas);
    }

    /// <summary>
    /// Moves leadership to the preferred replica (the first) when it is active and in the ISR;
    /// unchanged otherwise, or when it already leads.
    /// </summary>
    public static PartitionImage ElectPreferred(PartitionImage partition, Func<int, bool> isActive)
    {
        var preferred = partition.PreferredLeader;
        return preferred == partition.Leader || !partition.Isr.Contains(preferred) || !isActive(preferred)
            ? partition
            : partition.With(leader: preferred);
    }

    /// <summary>
    /// Takes <paramref name="brokerId"/> out of service for this partition (it was fenced, or is
    /// shutting down): out of the ISR (into the ELR when the ISR is then too small), and if it led,
    /// another leader is elected. <paramref name="isActive"/> must already answer false for it.
    /// </summary>
    public static PartitionImage RemoveBroker(PartitionImage partition, int brokerId, Func<int, bool> isActive, bool unclean, int minInSyncReplicas)
    {
        var changed = partition;
        if (partition.Isr.Contains(brokerId))
        {
            changed = WithIsr(partition, partition.Isr.Remove(brokerId), minInSyncReplicas);
        }

        if (changed.Leader == brokerId)
        {
            var (leader, source) = ChooseLeader(changed, isActive, unclean);
            changed = WithLeader(changed, leader, source, minInSyncReplicas);
        }

        return changed;
    }

    /// <summary>
    /// A broker came back after an unclean shutdown: its log may have lost what it had not fsynced, so
    /// it no longer counts as holding every committed record, and leaves the ELR. It stays only when it
    /// is the last candidate left (no ISR, no other ELR member): then it holds whatever survives of the
    /// partition, the trust Kafka's classic election gives the last ISR member.
    /// </summary>
    public static PartitionImage DropFromElrAfterUncleanShutdown(PartitionImage partition, int brokerId)
    {
        if (!partition.Elr.Contains(brokerId) || (partition.Isr.IsEmpty && partition.Elr.Length == 1))
        {
            return partition;
        }

        return partition.With(elr: partition.Elr.Remove(brokerId));
    }

    /// <summary>
    /// Checks a leader's ISR proposal (Kafka's AlterPartition) against the partition as recorded, and
    /// returns the changed partition or the reason for refusing it.
    /// </summary>
    public static (PartitionImage? Changed, Protocol.Errors.ErrorCode Error, string? Message) AlterIsr(
        PartitionImage partition, int requester, int leaderEpoch, int partitionEpoch, IReadOnlyList<int> newIsr, Func<int, bool> isActive, int minInSyncReplicas)
    {
        if (partition.Leader != requester)
        {
            return (null, Protocol.Errors.ErrorCode.NotLeaderOrFollower, $"broker {requester} does not lead partition {partition.Partition} (leader {partition.Leader})");
        }

        if (leaderEpoch != partition.LeaderEpoch)
        {
            return (null, Protocol.Errors.ErrorCode.FencedLeaderEpoch, $"leader epoch {leaderEpoch} is not the current {partition.LeaderEpoch}");
        }

        if (partitionEpoch != partition.PartitionEpoch)
        {
            return (null, Protocol.Errors.ErrorCode.InvalidUpdateVersion, $"partition epoch {partitionEpoch} is not the current {partition.PartitionEpoch}");
        }

        if (!newIsr.Contains(requester) || newIsr.Distinct().Count() != newIsr.Count)
        {
            return (null, Protocol.Errors.ErrorCode.InvalidRequest, "the proposed ISR must contain the leader once, and no replica twice");
        }

        foreach (var replica in newIsr)
        {
            if (!partition.Replicas.Contains(replica))
            {
                return (null, Protocol.Errors.ErrorCode.InvalidRequest, $"broker {replica} is not a replica of partition {partition.Partition}");
            }

            if (!partition.Isr.Contains(replica) && !isActive(replica))
            {
                return (null, Protocol.Errors.ErrorCode.IneligibleReplica, $"broker {replica} is fenced or shutting down and cannot join the ISR");
            }
        }

        var ordered = partition.Replicas.Where(newIsr.Contains).ToImmutableArray();
        return (WithIsr(partition, ordered, minInSyncReplicas), Protocol.Errors.ErrorCode.None, null);
    }

    /// <summary>The ISR replaced, with the ELR kept to its rules: members leaving a too-small ISR join it; a large enough ISR clears it.</summary>
    private static PartitionImage WithIsr(PartitionImage partition, ImmutableArray<int> isr, int minInSyncReplicas)
    {
        var min = EffectiveMinIsr(partition, minInSyncReplicas);
        var elr = partition.Elr.Where(r => !isr.Contains(r)).ToImmutableArray();
        if (isr.Length >= min)
        {
            elr = [];
        }
        else
        {
            foreach (var departed in partition.Isr)
            {
                if (!isr.Contains(departed) && !elr.Contains(departed))
                {
                    elr = elr.Add(departed);
                }
            }
        }

        return partition.With(isr: isr, elr: elr);
    }

    private static PartitionImage WithLeader(PartitionImage partition, int leader, LeaderSource source, int minInSyncReplicas) => source switch
    {
        LeaderSource.Isr => partition.With(leader: leader),
        LeaderSource.Elr => WithIsr(partition, [leader], minInSyncReplicas).With(leader: leader),
        LeaderSource.Unclean => partition.With(isr: [leader], elr: [], leader: leader),
        _ => partition.With(leader: PartitionImage.NoLeader),
    };
}

/// <summary>Where an elected leader came from.</summary>
public enum LeaderSource
{
    None,
    Isr,
    Elr,
    Unclean,
}
