using System.Runtime.CompilerServices;
using LogBroker.Protocol.Batches;

namespace LogBroker.Storage.Producers;

/// <summary>
/// The state of one producer id in one partition (Kafka's <c>ProducerStateEntry</c>): its epoch, the
/// newest timestamp it wrote, and its last <see cref="BatchesToRetain"/> batches in a fixed ring, oldest
/// first, all of the current epoch. A value type with the ring inline, so the manager keeps entries in
/// a dictionary and copies them into scratch while it checks an append, without allocating.
/// </summary>
internal struct ProducerStateEntry
{
    /// <summary>How many recent batches are kept for deduplication: the most a producer has in flight per partition.</summary>
    public const int BatchesToRetain = 5;

    private BatchRing _batches;
    private int _oldest;
    private int _count;

    public ProducerStateEntry(long producerId)
    {
        ProducerId = producerId;
        ProducerEpoch = RecordBatchLayout.NoProducerEpoch;
        LastTimestamp = RecordBatchLayout.NoTimestamp;
    }

    public long ProducerId { get; private set; }

    public short ProducerEpoch { get; private set; }

    /// <summary>The newest batch's max timestamp (ms): what expiry counts from.</summary>
    public long LastTimestamp { get; private set; }

    public readonly int BatchCount => _count;

    public readonly bool IsEmpty => _count == 0;

    /// <summary>The last sequence of the newest batch, or -1 when there is none.</summary>
    public readonly int LastSequence => _count == 0 ? RecordBatchLayout.NoSequence : Newest.LastSequence;

    /// <summary>The last offset of the newest batch, or -1 when there is none.</summary>
    public readonly long LastOffset => _count == 0 ? -1 : Newest.LastOffset;

    private readonly ProducerBatchMetadata Newest => _batches[(_oldest + _count - 1) % BatchesToRetain];

    /// <summary>The <paramref name="index"/>-th retained batch, oldest first.</summary>
    public readonly ProducerBatchMetadata BatchAt(int index) => _batches[(_oldest + index) % BatchesToRetain];

    /// <summary>
    /// Records a batch. A different epoch starts the ring afresh (Kafka's <c>maybeUpdateProducerEpoch</c>):
    /// sequences of an older epoch say nothing about the new one.
    /// </summary>
    public void AddBatch(short producerEpoch, in ProducerBatchMetadata batch)
    {
        if (producerEpoch != ProducerEpoch)
        {
            ProducerEpoch = producerEpoch;
            _oldest = 0;
            _count = 0;
        }

        if (_count == BatchesToRetain)
        {
            _batches[_oldest] = batch;
            _oldest = (_oldest + 1) % BatchesToRetain;
        }
        else
        {
            _batches[(_oldest + _count) % BatchesToRetain] = batch;
            _count++;
        }

        LastTimestamp = batch.Timestamp;
    }

    /// <summary>The retained batch of epoch <paramref name="producerEpoch"/> with exactly this sequence range, if any.</summary>
    public readonly bool TryFindDuplicate(short producerEpoch, int firstSequence, int lastSequence, out ProducerBatchMetadata duplicate)
    {
        if (producerEpoch == ProducerEpoch)
        {
            for (var i = 0; i < _count; i++)
            {
                var batch = BatchAt(i);
                if (batch.LastSequence == lastSequence && batch.FirstSequence == firstSequence)
                {
                    duplicate = batch;
                    return true;
                }
            }
        }

        duplicate = default;
        return false;
    }

    public readonly ProducerState ToState() => new(ProducerId, ProducerEpoch, LastSequence, LastOffset, LastTimestamp);

    [InlineArray(BatchesToRetain)]
    private struct BatchRing
    {
        private ProducerBatchMetadata _element;
    }
}
