namespace LogBroker.Client.Consuming;

/// <summary>
/// What the application has been handed of one generation of a partition's position: written by the
/// consuming thread alone, without a lock (plain stores, once per record or once per batch), read by
/// anyone (commits, <see cref="Consumer.Position"/>). A seek or reset never writes into it: it installs
/// a new instance in <see cref="PartitionState"/>, so a consuming thread still writing into this one
/// after a seek changes nothing anyone reads. Offsets are whole 64-bit fields, read and written
/// atomically on 64-bit platforms (the only ones .NET 10 runs this on).
/// </summary>
internal sealed class ConsumedPositions(int generation, long position, long processed)
{
    private long _position = position;
    private long _processed = processed;

    /// <summary>The generation of the partition's position these belong to.</summary>
    public int Generation { get; } = generation;

    /// <summary>Next offset for the application; -1 while a reset is pending.</summary>
    public long Position
    {
        get => Volatile.Read(ref _position);
        set => Volatile.Write(ref _position, value);
    }

    /// <summary>
    /// Next offset after the records the application is done with: those handed out before its latest
    /// call for the next record or batch (Kafka's rule: a poll means the previous poll's records are
    /// processed). What auto-commit commits; -1 while a reset is pending.
    /// </summary>
    public long Processed
    {
        get => Volatile.Read(ref _processed);
        set => Volatile.Write(ref _processed, value);
    }
}
