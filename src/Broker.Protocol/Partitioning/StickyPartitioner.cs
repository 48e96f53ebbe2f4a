using System.Collections.Concurrent;

namespace LogBroker.Protocol.Partitioning;

/// <summary>
/// Where records without a key go: every such record of a topic sticks to one partition until the
/// batch for that partition is sealed, then the topic moves on to another partition chosen at random.
/// Batches fill up instead of scattering one record per partition (Kafka's KIP-480). Thread-safe.
/// </summary>
public sealed class StickyPartitioner
{
    private readonly ConcurrentDictionary<string, int> _current = new(StringComparer.Ordinal);

    /// <summary>The partition unkeyed records of <paramref name="topic"/> go to now.</summary>
    public int Partition(string topic, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        if (_current.TryGetValue(topic, out var partition) && partition < partitionCount)
        {
            return partition;
        }

        return _current.AddOrUpdate(topic, _ => Random.Shared.Next(partitionCount), (_, p) => p < partitionCount ? p : Random.Shared.Next(partitionCount));
    }

    /// <summary>
    /// Called when the batch of <paramref name="sealedPartition"/> is sealed: unkeyed records move to
    /// a different partition, unless another thread already moved them.
    /// </summary>
    public void OnBatchSealed(string topic, int sealedPartition, int partitionCount)
    {
        if (partitionCount <= 1)
        {
            return;
        }

        var next = Random.Shared.Next(partitionCount - 1);
        if (next >= sealedPartition)
        {
            next++;
        }

        _current.TryUpdate(topic, next, sealedPartition);
    }
}
