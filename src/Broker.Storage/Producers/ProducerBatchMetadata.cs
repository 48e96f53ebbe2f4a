namespace LogBroker.Storage.Producers;

/// <summary>
/// One appended batch of a producer, as much as deduplication needs (Kafka's <c>BatchMetadata</c>): its
/// sequence range, its offset range and its newest timestamp. The offset delta is the batch's
/// lastOffsetDelta, which compaction leaves as it was, so the first offset and first sequence follow from it.
/// </summary>
internal readonly record struct ProducerBatchMetadata(int LastSequence, long LastOffset, int OffsetDelta, long Timestamp)
{
    public int FirstSequence => ProducerSequence.Decrement(LastSequence, OffsetDelta);

    public long FirstOffset => LastOffset - OffsetDelta;
}
