namespace LogBroker.Broker.Partitions;

/// <summary>
/// What a leader knows about one follower (Kafka's replica state): how far its log reaches (the
/// offset it last fetched from) and when it was last caught up with the leader's log end. Times are
/// <see cref="TimeProvider"/> timestamps. Guarded by the partition's leader lock.
/// </summary>
internal sealed class FollowerProgress(long becameLeaderTimestamp, bool inSync)
{
    /// <summary>-1 until the follower's first fetch of this leader epoch.</summary>
    public long LogEndOffset { get; set; } = -1;

    /// <summary>ISR members count as caught up when the leader takes over (Kafka's rule), others as never.</summary>
    public long LastCaughtUpTimestamp { get; set; } = inSync ? becameLeaderTimestamp : long.MinValue;

    public long LastFetchTimestamp { get; set; } = becameLeaderTimestamp;

    /// <summary>The leader's log end at the follower's previous fetch.</summary>
    public long LastFetchLeaderLogEndOffset { get; set; } = -1;

    /// <summary>
    /// Records a fetch from <paramref name="fetchOffset"/> answered when the leader's log ended at
    /// <paramref name="leaderLogEnd"/>. Caught up means it had everything the leader had at this fetch,
    /// or at least everything the leader had at its previous one (then it was caught up as of then).
    /// </summary>
    public void OnFetch(long fetchOffset, long leaderLogEnd, long now)
    {
        if (fetchOffset >= leaderLogEnd)
        {
            LastCaughtUpTimestamp = now;
        }
        else if (fetchOffset >= LastFetchLeaderLogEndOffset && LastFetchTimestamp > LastCaughtUpTimestamp)
        {
            LastCaughtUpTimestamp = LastFetchTimestamp;
        }

        LogEndOffset = fetchOffset;
        LastFetchLeaderLogEndOffset = leaderLogEnd;
        LastFetchTimestamp = now;
    }
}
