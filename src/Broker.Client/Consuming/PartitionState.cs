using LogBroker.Protocol;

namespace LogBroker.Client.Consuming;

/// <summary>
/// An assigned partition's state on the client: the one place that knows where the consumer is in it.
/// <see cref="Consumed"/> holds the positions handed to the application (written by the consuming
/// thread without a lock); <see cref="FetchPosition"/> is the next offset to fetch (ahead of them by
/// what is prefetched). Every seek or reset bumps <see cref="Generation"/> and installs new
/// <see cref="Consumed"/> positions, so data fetched for an older position is recognised and dropped.
/// Everything but <see cref="Consumed"/>'s contents changes under the assignment table's lock.
/// </summary>
internal sealed class PartitionState(TopicPartition partition)
{
    private ConsumedPositions _consumed = new(0, -1, -1);

    public TopicPartition Partition { get; } = partition;

    /// <summary>The positions of the current generation (a new instance after every seek or reset).</summary>
    public ConsumedPositions Consumed => Volatile.Read(ref _consumed);

    /// <summary>Next offset for the application; -1 while a reset is pending.</summary>
    public long Position => Consumed.Position;

    /// <summary>What auto-commit commits: see <see cref="ConsumedPositions.Processed"/>.</summary>
    public long ProcessedPosition => Consumed.Processed;

    public long FetchPosition { get; set; } = -1;

    public int Generation { get; private set; }

    /// <summary>A special offset (<see cref="Offset.Beginning"/>, <see cref="Offset.End"/>, <see cref="Offset.Stored"/>) to resolve before fetching, or null.</summary>
    public long? PendingReset { get; set; }

    public long HighWatermark { get; set; } = -1;

    public bool IsFetchable => PendingReset is null && FetchPosition >= 0;

    public void SeekTo(long offset)
    {
        FetchPosition = offset;
        PendingReset = null;
        NextGeneration(offset);
    }

    public void ResetTo(long special)
    {
        FetchPosition = -1;
        PendingReset = special;
        NextGeneration(-1);
    }

    /// <summary>Voids everything fetched or handed out for the current position (the partition left the assignment).</summary>
    public void Invalidate()
    {
        var consumed = Consumed;
        Generation++;
        Volatile.Write(ref _consumed, new ConsumedPositions(Generation, consumed.Position, consumed.Processed));
    }

    private void NextGeneration(long position)
    {
        Generation++;
        Volatile.Write(ref _consumed, new ConsumedPositions(Generation, position, position));
    }
}
