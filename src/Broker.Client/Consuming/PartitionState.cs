using LogBroker.Protocol;

namespace LogBroker.Client.Consuming;

/// <summary>
/// An assigned partition's positions. <see cref="Position"/> is the next offset handed to the
/// application; <see cref="ProcessedPosition"/> trails it by the record the application may still be
/// working on; <see cref="FetchPosition"/> is the next offset to fetch (ahead of it by what is
/// prefetched). Every seek bumps <see cref="Generation"/>, so data fetched for an older position is
/// recognised and dropped. Mutated under the consumer's state lock.
/// </summary>
internal sealed class PartitionState(TopicPartition partition)
{
    public TopicPartition Partition { get; } = partition;

    /// <summary>Next offset for the application; -1 while a reset is pending.</summary>
    public long Position { get; set; } = -1;

    /// <summary>
    /// Next offset after the records the application is done with: those handed out before its latest
    /// call for the next record (Kafka's rule: a poll means the previous poll's records are processed).
    /// What auto-commit commits; -1 while a reset is pending.
    /// </summary>
    public long ProcessedPosition { get; set; } = -1;

    public long FetchPosition { get; set; } = -1;

    public int Generation { get; set; }

    /// <summary>A special offset (<see cref="Offset.Beginning"/>, <see cref="Offset.End"/>, <see cref="Offset.Stored"/>) to resolve before fetching, or null.</summary>
    public long? PendingReset { get; set; }

    public long HighWatermark { get; set; } = -1;

    public bool IsFetchable => PendingReset is null && FetchPosition >= 0;

    public void SeekTo(long offset)
    {
        Position = offset;
        ProcessedPosition = offset;
        FetchPosition = offset;
        PendingReset = null;
        Generation++;
    }

    public void ResetTo(long special)
    {
        Position = -1;
        ProcessedPosition = -1;
        FetchPosition = -1;
        PendingReset = special;
        Generation++;
    }
}
