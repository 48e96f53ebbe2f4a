namespace LogBroker.Broker.Partitions.Replication;

/// <summary>
/// One partition a fetcher copies: under which leader epoch, whether its divergent tail must be
/// found and cut first (after every change of leader), and how far behind the leader it was at the
/// last fetch. Owned by its fetcher's loop; replaced, not mutated, when the leadership changes.
/// </summary>
internal sealed class FollowerFetchState(Partition partition, int leaderEpoch)
{
    public Partition Partition { get; } = partition;

    public int LeaderEpoch { get; } = leaderEpoch;

    public bool NeedsTruncation { get; set; } = true;

    /// <summary>Stopwatch timestamp before which this partition is not fetched (after an error the metadata should resolve).</summary>
    public long PausedUntil { get; set; }

    /// <summary>Records the leader had beyond this replica at the last fetch; -1 before the first.</summary>
    public long LagRecords { get; set; } = -1;
}
