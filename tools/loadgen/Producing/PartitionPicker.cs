using LogBroker.Protocol.Batches;

namespace LogBroker.Loadgen.Producing;

/// <summary>
/// Chooses each record's key and partition for one producer. The producer passes the partition to the
/// client explicitly because it must know it at send time (see <see cref="SendTimeQueue"/>); the choice
/// is the one the client would make. Keyed: a key chosen uniformly from the <see cref="KeySpace"/>, on
/// the partition murmur2 gives it. Unkeyed: Kafka's sticky behaviour at steady state, one partition for
/// a batch's worth of records, then the next, each producer starting on a different partition. One thread.
/// </summary>
public sealed class PartitionPicker
{
    private readonly KeySpace? _keys;
    private readonly Random _random;
    private readonly int _partitionCount;
    private readonly int _recordsPerStint;
    private int _partition;
    private int _leftInStint;

    public PartitionPicker(KeySpace? keys, int partitionCount, int producerIndex, int recordSize, int batchSize, Random random)
    {
        _keys = keys;
        _random = random;
        _partitionCount = partitionCount;
        _recordsPerStint = Math.Max(1, batchSize / RecordBatchBuilder.MaxRecordSize(-1, recordSize, default));
        _partition = producerIndex % partitionCount;
        _leftInStint = _recordsPerStint;
    }

    /// <summary>Records an unkeyed producer sends to one partition before moving on.</summary>
    public int RecordsPerStint => _recordsPerStint;

    /// <summary>The next record's partition, and its key (null when records are unkeyed).</summary>
    public int Next(out ReadOnlyMemory<byte>? key)
    {
        if (_keys is { } keys)
        {
            var index = _random.Next(keys.Count);
            key = keys.Key(index);
            return keys.PartitionOf(index);
        }

        key = null;
        if (_leftInStint == 0)
        {
            _partition = _partition + 1 == _partitionCount ? 0 : _partition + 1;
            _leftInStint = _recordsPerStint;
        }

        _leftInStint--;
        return _partition;
    }
}
