namespace LogBroker.Client.Producing;

/// <summary>
/// One partition's batches: the open one records go into, sealed ones waiting to be sent (retries
/// first), in order. Guarded by its own lock; the lock never covers I/O.
/// </summary>
internal sealed class PartitionQueue
{
    public Lock Lock { get; } = new();

    public ProducerBatch? Open { get; set; }

    /// <summary>The topic's partition count when the open batch was started (for the sticky partitioner).</summary>
    public int PartitionCount { get; set; }

    public LinkedList<ProducerBatch> Ready { get; } = new();
}
