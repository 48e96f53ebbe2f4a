namespace LogBroker.Protocol.Partitioning;

/// <summary>Kafka's default choice of partition for a keyed record.</summary>
public static class DefaultPartitioner
{
    /// <summary><c>(murmur2(key) &amp; 0x7fffffff) % partitionCount</c>, as Kafka's producer computes it.</summary>
    public static int PartitionForKey(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return (Murmur2.Hash(key) & 0x7fffffff) % partitionCount;
    }
}
