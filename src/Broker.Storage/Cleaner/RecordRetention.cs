using LogBroker.Protocol.Batches;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Cleaner;

/// <summary>What the cleaner does with one record.</summary>
internal enum RetentionVerdict
{
    Keep,

    /// <summary>A later record with the same key is in the dirty range.</summary>
    Superseded,

    /// <summary>A tombstone that has been visible for <c>delete.retention.ms</c>.</summary>
    ExpiredTombstone,

    /// <summary>A record without a key: it cannot be compacted.</summary>
    NoKey,
}

/// <summary>
/// Which records one cleaning keeps (Kafka's <c>shouldRetainRecord</c>), given the offset map built over
/// the dirty range [<see cref="FirstDirtyOffset"/>, <see cref="EndOffset"/>):
/// a record at or past <see cref="EndOffset"/> is kept (the map knows nothing newer); a record without
/// a key is dropped, as Kafka drops it (the log refuses them on compacted topics, so only data written
/// before the topic became compacted can hold one); a record whose key has a later offset in the map is
/// dropped; everything else is kept, including keys the map does not know (no newer version exists).
/// <para>
/// Tombstones (null values) follow Kafka's rule from before KIP-534, based on segment times. A tombstone
/// in the dirty range is kept: it must reach every consumer, and it is what removes the older values of
/// its key in this cleaning. It is removed by a later cleaning, once it lies below
/// <see cref="FirstDirtyOffset"/> (the cleaning that mapped it has removed every older value of its
/// key) and the newest record of its segment is older than now − <c>delete.retention.ms</c>
/// (<see cref="DeleteHorizonMs"/>). Kafka measured a segment by its file's last-modified time; this uses
/// the largest record timestamp of the segment, the clock time retention also goes by, so the rule
/// survives copies of the files and follows the broker's <see cref="TimeProvider"/>. The per-batch
/// delete horizon of KIP-534 (attribute bit 6) is neither written nor read.
/// </para>
/// <para>
/// A batch left with no record is dropped, unless it is the newest batch of a producer the log has state
/// for (<see cref="ProducerLastOffsets"/>, producer id to its newest offset, taken when the cleaning
/// started): then its header is kept, as Kafka's <c>BatchRetention.RETAIN_EMPTY</c> keeps it, so that a
/// producer state rebuilt from the log (no usable snapshot) still knows the producer's epoch and last sequence.
/// </para>
/// </summary>
internal readonly record struct RecordRetention(OffsetMap Map, long FirstDirtyOffset, long EndOffset, long DeleteHorizonMs, Dictionary<long, long> ProducerLastOffsets)
{
    /// <summary>Whether a batch that kept no record must still be written, as an empty batch.</summary>
    public bool KeepsEmptyBatch(long producerId, long lastOffset) =>
        producerId >= 0 && ProducerLastOffsets.TryGetValue(producerId, out var newest) && newest == lastOffset;

    /// <summary>Whether tombstones of <paramref name="source"/> in the cleaned range have been visible long enough.</summary>
    public bool TombstonesExpireIn(Segment source) => source.LargestTimestamp < DeleteHorizonMs;

    public RetentionVerdict Decide(in Record record, bool tombstonesExpire)
    {
        if (record.Offset >= EndOffset)
        {
            return RetentionVerdict.Keep;
        }

        if (record.KeyIsNull)
        {
            return RetentionVerdict.NoKey;
        }

        if (Map.Get(record.Key) > record.Offset)
        {
            return RetentionVerdict.Superseded;
        }

        return record.ValueIsNull && tombstonesExpire && record.Offset < FirstDirtyOffset
            ? RetentionVerdict.ExpiredTombstone
            : RetentionVerdict.Keep;
    }
}
