using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Storage.Producers;

namespace LogBroker.Storage.Log;

/// <summary>A log's idempotent-producer state as others see it: described, expired, and kept by the cleaner.</summary>
public sealed partial class PartitionLog
{
    /// <summary>Producers this log has state for. Lock-free.</summary>
    public int ProducerCount => _producers.ProducerCount;

    /// <summary>
    /// Every producer this log has state for: epoch, last sequence, last offset and the newest timestamp
    /// it wrote. A copy taken under the write lock, for describing the partition; not for hot paths.
    /// </summary>
    public IReadOnlyList<ProducerState> ProducerStates
    {
        get
        {
            lock (_writeLock)
            {
                return _producers.States();
            }
        }
    }

    /// <summary>Offsets of the producer snapshot files kept in the directory, ascending.</summary>
    internal IReadOnlyList<long> ProducerSnapshotOffsets
    {
        get
        {
            lock (_writeLock)
            {
                return [.. _producers.SnapshotOffsets];
            }
        }
    }

    /// <summary>
    /// Forgets producers whose newest batch is older than <c>producer.id.expiration.ms</c>
    /// (<see cref="LogOpenOptions.ProducerIdExpiration"/>); their next batch must start a sequence at 0.
    /// Called by the log manager's expiry loop. Returns how many were forgotten.
    /// </summary>
    public int RemoveExpiredProducers()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_writeLock)
        {
            return _closed ? 0 : _producers.RemoveExpired(now);
        }
    }

    /// <summary>Each producer's newest offset, into <paramref name="lastOffsets"/>: the cleaner keeps the batches holding them.</summary>
    internal void CopyProducerLastOffsets(Dictionary<long, long> lastOffsets)
    {
        lock (_writeLock)
        {
            _producers.CopyLastOffsets(lastOffsets);
        }
    }

    private AppendResult Duplicate(in ProducerAppendVerdict duplicate, LogConfig config)
    {
        var appendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? duplicate.Timestamp : RecordBatchLayout.NoTimestamp;
        return new AppendResult(ErrorCode.None, null, duplicate.FirstOffset, duplicate.LastOffset, appendTime, LogStartOffset, 0) { IsDuplicate = true };
    }

    /// <summary>
    /// After a roll: keeps the snapshots at and after the base of the segment before the new active one,
    /// as Kafka keeps two, and deletes the older ones. A crash cuts a log in its unflushed tail, almost always
    /// the active segment, where these suffice; a recovery that cuts further back replays from the log start.
    /// </summary>
    private void DeleteUnneededSnapshots()
    {
        var segments = _segments;
        _producers.DeleteSnapshotsBelow(segments[Math.Max(0, segments.Length - 2)].BaseOffset);
    }
}
