namespace LogBroker.Protocol.Batches;

/// <summary>
/// The idempotence fields of a batch header: which producer wrote it, in which epoch, and the
/// sequence number of its first record in this partition. All -1 for a plain producer.
/// </summary>
public readonly record struct BatchProducerFields(long ProducerId, short ProducerEpoch, int BaseSequence, bool IsTransactional = false)
{
    public static BatchProducerFields None { get; } = new(
        RecordBatchLayout.NoProducerId, RecordBatchLayout.NoProducerEpoch, RecordBatchLayout.NoSequence);
}
