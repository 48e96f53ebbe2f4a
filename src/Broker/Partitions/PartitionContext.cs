namespace LogBroker.Broker.Partitions;

/// <summary>
/// What every partition replica on this broker shares: who this broker is, the clock, how long a
/// follower may lag before it leaves the ISR, whether this broker still holds its lease with the
/// controller (a leader that lost it refuses writes: it may have been fenced and replaced), which
/// brokers may join ISRs, and where ISR changes are sent.
/// </summary>
public sealed record PartitionContext(
    int LocalBrokerId,
    TimeProvider Time,
    TimeSpan ReplicaLagTimeMax,
    Func<bool> HoldsLease,
    Func<int, bool> IsBrokerActive,
    Action<Partition> IsrChangeWanted)
{
    /// <summary>A context for a broker alone: always leased, every broker active, no ISR changes to send.</summary>
    public static PartitionContext Standalone(int brokerId, TimeProvider time) =>
        new(brokerId, time, TimeSpan.FromSeconds(30), static () => true, static _ => true, static _ => { });
}
