namespace LogBroker.Storage.Producers;

/// <summary>
/// What a partition log knows about one idempotent producer, for describing it: its current epoch,
/// the sequence and offset of the last record it appended, and that batch's newest timestamp (ms),
/// which <c>producer.id.expiration.ms</c> counts from.
/// </summary>
public readonly record struct ProducerState(long ProducerId, short ProducerEpoch, int LastSequence, long LastOffset, long LastTimestamp);
