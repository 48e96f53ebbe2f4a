namespace LogBroker.Broker.Groups;

/// <summary>
/// Which __consumer_offsets partition holds a group: Kafka's rule, <c>abs(groupId.hashCode()) % partitions</c>
/// with Java's String.hashCode and Kafka's abs (mask the sign bit), so a group lands on the same
/// partition number it would in Kafka.
/// </summary>
public static class GroupPartitioner
{
    public static int PartitionFor(string groupId, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        var hash = 0;
        foreach (var c in groupId)
        {
            hash = unchecked((31 * hash) + c);
        }

        return (hash & 0x7fffffff) % partitionCount;
    }
}
