using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Producers;

/// <summary>
/// One partition log's idempotent-producer state (Kafka's <c>ProducerStateManager</c>): per producer id,
/// its epoch and its last <see cref="ProducerStateEntry.BatchesToRetain"/> batches, so that a retried
/// batch is recognised and answered with its original offsets instead of being stored twice, and a gap
/// or a fenced epoch is refused.
/// <para>
/// An append is checked in two steps: <see cref="Check"/> walks its batches in order against the state
/// including the earlier batches of the same append, working on copies of the entries it touches; only
/// after the batches are written does <see cref="Commit"/> put the copies back. A refused append (or one
/// whose write fails) therefore changes nothing. The copies live in a reused array and the entries are
/// values in one dictionary, so the steady state allocates nothing.
/// </para>
/// <para>
/// The state is made durable by snapshot files (<see cref="ProducerSnapshotFile"/>) written when a segment
/// rolls and at a clean close, and rebuilt at open and after a truncation from the latest usable
/// snapshot plus a replay of the batch headers after it.
/// </para>
/// <para>
/// Threading: every member except <see cref="ProducerCount"/> and <see cref="SyncSnapshots"/> is called
/// under the owning log's write lock (or while it is being opened, before it is shared).
/// </para>
/// </summary>
internal sealed partial class ProducerStateManager
{
    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    private readonly TopicPartition _topicPartition;
    private readonly string _directory;
    private readonly ILogger _logger;
    private ProducerStateEntry[] _pending = new ProducerStateEntry[4];
    private int _pendingCount;
    private int _count;

    public ProducerStateManager(TopicPartition topicPartition, string directory, TimeSpan producerIdExpiration, ILogger logger)
    {
        _topicPartition = topicPartition;
        _directory = directory;
        _logger = logger;
        ExpirationMs = (long)producerIdExpiration.TotalMilliseconds;
        _snapshots = ProducerSnapshotFile.List(directory);
    }

    /// <summary><c>producer.id.expiration.ms</c>: a producer whose newest batch is older than this is forgotten.</summary>
    public long ExpirationMs { get; }

    /// <summary>Producers with state; readable without the lock.</summary>
    public int ProducerCount => Volatile.Read(ref _count);

    /// <summary>
    /// The offset the state is built up to (exclusive): the log end after every append, the new log end
    /// after a truncation.
    /// </summary>
    public long MapEndOffset { get; private set; }

    /// <summary>
    /// Checks the batches of one append, in order, against the state including the earlier batches of
    /// the same append. <paramref name="headers"/> holds the stamped 61-byte header of each batch back to
    /// back, <paramref name="batches"/> the offsets the log gave them. Producer batches
    /// (<see cref="AppendOrigin.Client"/>) are checked as Kafka's <c>ProducerAppendInfo</c> does; a
    /// leader's batches (<see cref="AppendOrigin.Replication"/>) are never refused, only recorded. On
    /// acceptance, call <see cref="Commit"/> once the batches are written.
    /// </summary>
    public ProducerAppendVerdict Check(ReadOnlySpan<byte> headers, ReadOnlySpan<AppendedBatch> batches, AppendOrigin origin)
    {
        _pendingCount = 0;
        var client = origin == AppendOrigin.Client;
        var duplicates = 0;
        long duplicateFirst = -1, duplicateLast = -1, duplicateTimestamp = -1;
        for (var i = 0; i < batches.Length; i++)
        {
            var header = headers.Slice(i * RecordBatchLayout.HeaderSize, RecordBatchLayout.HeaderSize);
            var producerId = BinaryPrimitives.ReadInt64BigEndian(header[RecordBatchLayout.ProducerId..]);
            var attributes = new BatchAttributes(BinaryPrimitives.ReadInt16BigEndian(header[RecordBatchLayout.Attributes..]));
            if (producerId < 0)
            {
                if (client && attributes.IsTransactional)
                {
                    return ProducerAppendVerdict.Refused(ErrorCode.InvalidRecord, $"batch {i} is transactional but carries no producer id");
                }

                continue;
            }

            if (attributes.IsControl)
            {
                continue; // transaction markers: no transactions are tracked yet
            }

            var epoch = BinaryPrimitives.ReadInt16BigEndian(header[RecordBatchLayout.ProducerEpoch..]);
            var firstSequence = BinaryPrimitives.ReadInt32BigEndian(header[RecordBatchLayout.BaseSequence..]);
            var offsetDelta = BinaryPrimitives.ReadInt32BigEndian(header[RecordBatchLayout.LastOffsetDelta..]);
            var lastSequence = ProducerSequence.Increment(firstSequence, offsetDelta);
            var batch = batches[i];
            if (client && firstSequence < 0)
            {
                return ProducerAppendVerdict.Refused(ErrorCode.InvalidRecord, $"batch {i} of producer {producerId} has base sequence {firstSequence}; an idempotent batch's sequence is never negative");
            }

            ref var entry = ref Working(producerId, out var known);
            if (client && known && entry.TryFindDuplicate(epoch, firstSequence, lastSequence, out var duplicate))
            {
                if (duplicates++ == 0)
                {
                    duplicateFirst = duplicate.FirstOffset;
                    duplicateTimestamp = duplicate.Timestamp;
                }

                duplicateLast = duplicate.LastOffset;
                continue;
            }

            if (client && Refuse(in entry, known, producerId, epoch, firstSequence, batch.BaseOffset) is { } refusal)
            {
                return refusal;
            }

            if (!client && known && epoch < entry.ProducerEpoch)
            {
                _logger.LogWarning("{TopicPartition}: replicated batch at offset {Offset} has epoch {Epoch} of producer {ProducerId}, older than its epoch {Current}", _topicPartition, batch.BaseOffset, epoch, producerId, entry.ProducerEpoch);
            }

            entry.AddBatch(epoch, new ProducerBatchMetadata(lastSequence, batch.LastOffset, (int)(batch.LastOffset - batch.BaseOffset), batch.MaxTimestamp));
        }

        if (duplicates == 0)
        {
            return ProducerAppendVerdict.Accepted;
        }

        return duplicates == batches.Length
            ? ProducerAppendVerdict.Duplicate(duplicateFirst, duplicateLast, duplicateTimestamp)
            : ProducerAppendVerdict.Refused(ErrorCode.DuplicateSequenceNumber, $"{duplicates} of the {batches.Length} batches were appended before and the others were not; a retry must resend exactly the batches of the original append");
    }

    /// <summary>Makes the state <see cref="Check"/> accepted the state of the log, now ending at <paramref name="logEndOffset"/>.</summary>
    public void Commit(long logEndOffset)
    {
        for (var i = 0; i < _pendingCount; i++)
        {
            ref var entry = ref _pending[i];
            CollectionsMarshal.GetValueRefOrAddDefault(_producers, entry.ProducerId, out _) = entry;
        }

        _pendingCount = 0;
        MapEndOffset = logEndOffset;
        Volatile.Write(ref _count, _producers.Count);
    }

    /// <summary>Forgets producers whose newest batch is older than <see cref="ExpirationMs"/> at <paramref name="nowMs"/>; returns how many.</summary>
    public int RemoveExpired(long nowMs)
    {
        var removed = 0;
        foreach (var (producerId, entry) in _producers)
        {
            if (IsExpired(entry, nowMs))
            {
                _producers.Remove(producerId); // allowed while enumerating
                removed++;
            }
        }

        Volatile.Write(ref _count, _producers.Count);
        return removed;
    }

    /// <summary>
    /// The log start moved to <paramref name="logStartOffset"/> (retention): producers whose newest batch is
    /// gone are forgotten, as Kafka's <c>truncateHead</c> did, and snapshots below it are deleted.
    /// </summary>
    public void OnLogStartAdvanced(long logStartOffset)
    {
        RemoveBelow(logStartOffset);
        DeleteSnapshots(offset => offset < logStartOffset, durable: false);
        if (MapEndOffset < logStartOffset)
        {
            MapEndOffset = logStartOffset;
        }
    }

    /// <summary>Every producer's state, for describing the partition.</summary>
    public List<ProducerState> States()
    {
        var states = new List<ProducerState>(_producers.Count);
        foreach (var (_, entry) in _producers)
        {
            states.Add(entry.ToState());
        }

        return states;
    }

    /// <summary>Fills <paramref name="lastOffsets"/> with each producer's newest offset: the batches the cleaner must not drop.</summary>
    public void CopyLastOffsets(Dictionary<long, long> lastOffsets)
    {
        lastOffsets.Clear();
        foreach (var (producerId, entry) in _producers)
        {
            lastOffsets[producerId] = entry.LastOffset;
        }
    }

    private bool IsExpired(in ProducerStateEntry entry, long nowMs) => nowMs - entry.LastTimestamp >= ExpirationMs;

    private void RemoveBelow(long logStartOffset)
    {
        foreach (var (producerId, entry) in _producers)
        {
            if (entry.LastOffset < logStartOffset)
            {
                _producers.Remove(producerId);
            }
        }

        Volatile.Write(ref _count, _producers.Count);
    }

    /// <summary>
    /// Kafka's sequence and epoch rules for a producer batch that is not a duplicate, except that an
    /// unknown producer must start at sequence 0 (UNKNOWN_PRODUCER_ID otherwise, as before Kafka 2.5).
    /// </summary>
    private ProducerAppendVerdict? Refuse(in ProducerStateEntry entry, bool known, long producerId, short epoch, int firstSequence, long offset)
    {
        if (!known)
        {
            return firstSequence == 0
                ? null
                : ProducerAppendVerdict.Refused(ErrorCode.UnknownProducerId, $"{_topicPartition} has no state for producer {producerId} (never written here, expired, or its batches were deleted); its first batch must start at sequence 0, not {firstSequence}");
        }

        if (epoch < entry.ProducerEpoch)
        {
            return ProducerAppendVerdict.Refused(ErrorCode.InvalidProducerEpoch, $"producer {producerId} at offset {offset} in {_topicPartition} has epoch {epoch}, older than its current epoch {entry.ProducerEpoch}: it was fenced by a newer instance");
        }

        if (epoch != entry.ProducerEpoch)
        {
            return firstSequence == 0
                ? null
                : ProducerAppendVerdict.Refused(ErrorCode.OutOfOrderSequenceNumber, $"producer {producerId} starts epoch {epoch} in {_topicPartition} at sequence {firstSequence}; a new epoch starts at 0 (current epoch {entry.ProducerEpoch})");
        }

        var last = entry.LastSequence;
        return ProducerSequence.InSequence(last, firstSequence)
            ? null
            : ProducerAppendVerdict.Refused(ErrorCode.OutOfOrderSequenceNumber, $"out of order sequence number for producer {producerId} at offset {offset} in {_topicPartition}: {firstSequence} (incoming), {last} (last appended), expected {ProducerSequence.Increment(last, 1)}");
    }

    /// <summary>
    /// The entry this append works on for <paramref name="producerId"/>: its copy in the pending array,
    /// made from the committed entry (or a new, empty one) on first use. <paramref name="known"/> is false
    /// when neither the log nor an earlier batch of this append has state for it.
    /// </summary>
    private ref ProducerStateEntry Working(long producerId, out bool known)
    {
        for (var i = 0; i < _pendingCount; i++)
        {
            if (_pending[i].ProducerId == producerId)
            {
                known = !_pending[i].IsEmpty;
                return ref _pending[i];
            }
        }

        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }

        ref var slot = ref _pending[_pendingCount++];
        known = _producers.TryGetValue(producerId, out slot);
        if (!known)
        {
            slot = new ProducerStateEntry(producerId);
        }

        return ref slot;
    }
}
