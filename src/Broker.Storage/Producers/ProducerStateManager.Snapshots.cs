using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LogBroker.Protocol.Batches;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Producers;

/// <summary>The producer state's durability: snapshot files, and rebuilding the state from them and the log.</summary>
internal sealed partial class ProducerStateManager
{
    private readonly Lock _unsyncedLock = new();
    private readonly List<long> _unsynced = [];
    private readonly List<long> _snapshots;

    /// <summary>Offsets of the snapshot files on disk, ascending.</summary>
    public IReadOnlyList<long> SnapshotOffsets => _snapshots;

    /// <summary>
    /// Writes the state as of <paramref name="offset"/> to a snapshot file, as a segment roll does (the
    /// state as of the new segment's base offset, which is at or past <see cref="MapEndOffset"/>: a
    /// follower's first batch may start past the log end, with nothing in between). The file is fsynced
    /// later by <see cref="SyncSnapshots"/>, outside the write lock; until then a power failure can only
    /// leave a file whose CRC fails.
    /// </summary>
    public void TakeSnapshot(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(offset, MapEndOffset);
        MapEndOffset = offset;
        ProducerSnapshotFile.Write(_directory, offset, _producers, durable: false);
        Remember(offset);
        lock (_unsyncedLock)
        {
            _unsynced.Add(offset);
        }
    }

    /// <summary>Writes the state as of <see cref="MapEndOffset"/> and fsyncs it: at a clean close, so the next open replays nothing.</summary>
    public void TakeDurableSnapshot()
    {
        var offset = MapEndOffset;
        ProducerSnapshotFile.Write(_directory, offset, _producers, durable: true);
        Remember(offset);
    }

    /// <summary>fsync of the snapshots written since the last call. Called by the log's flush, without the write lock.</summary>
    public void SyncSnapshots()
    {
        long[] offsets;
        lock (_unsyncedLock)
        {
            if (_unsynced.Count == 0)
            {
                return;
            }

            offsets = [.. _unsynced];
            _unsynced.Clear();
        }

        foreach (var offset in offsets)
        {
            ProducerSnapshotFile.Sync(_directory, offset);
        }
    }

    /// <summary>Deletes the snapshots below <paramref name="offset"/>: those no recovery can need any more.</summary>
    public void DeleteSnapshotsBelow(long offset) => DeleteSnapshots(snapshot => snapshot < offset, durable: false);

    /// <summary>
    /// Rebuilds the state as of <paramref name="logEndOffset"/> (Kafka's <c>truncateAndReload</c> followed by
    /// the replay of <c>rebuildProducerState</c>): deletes the snapshots past the log end, which describe
    /// offsets that are gone, and below the log start; loads the latest snapshot that reads back intact
    /// (deleting damaged ones, with a warning); replays the batch headers from there to the log end; and
    /// forgets producers whose newest batch is below the log start. With <paramref name="durable"/> (a
    /// truncation) the deletions are fsynced, so a power failure cannot bring back a snapshot of offsets
    /// that will be written again.
    /// </summary>
    public void Rebuild(Segment[] segments, long logStartOffset, long logEndOffset, bool durable)
    {
        DeleteSnapshots(offset => offset > logEndOffset || offset < logStartOffset, durable);
        _producers.Clear();
        _pendingCount = 0;
        var from = logStartOffset;
        for (var i = _snapshots.Count - 1; i >= 0; i--)
        {
            var offset = _snapshots[i];
            try
            {
                ProducerSnapshotFile.Read(_directory, offset, _producers);
                from = offset;
                break;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("{TopicPartition}: ignoring damaged producer snapshot at offset {Offset} and deleting it: {Reason}", _topicPartition, offset, e.Message);
                _producers.Clear();
                TryDelete(offset);
                _snapshots.RemoveAt(i);
            }
        }

        Replay(segments, from, logEndOffset);
        RemoveBelow(logStartOffset);
        MapEndOffset = logEndOffset;
        Volatile.Write(ref _count, _producers.Count);
    }

    /// <summary>The log starts again, empty, at <paramref name="offset"/>: no producer state and no snapshot is left.</summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        _producers.Clear();
        _pendingCount = 0;
        DeleteSnapshots(_ => true, durable: true);
        MapEndOffset = offset;
        Volatile.Write(ref _count, 0);
    }

    /// <summary>
    /// Applies the batches of <paramref name="segments"/> holding offsets in [<paramref name="from"/>,
    /// <paramref name="to"/>) as a follower would (nothing refused), reading only their headers. The log
    /// was opened (and if needed recovered) before, so its headers walk cleanly up to each segment's size.
    /// </summary>
    private void Replay(Segment[] segments, long from, long to)
    {
        foreach (var segment in segments)
        {
            if (segment.NextOffset <= from || segment.BaseOffset >= to)
            {
                continue;
            }

            var size = segment.Size;
            var position = segment.BaseOffset >= from ? 0 : segment.PositionAtOrBefore(from);
            while (position < size)
            {
                var available = size - position;
                var header = segment.Memory(position, (int)Math.Min(RecordBatchLayout.HeaderSize, available)).Span;
                if (!BatchHeader.TryRead(header, available, segment.BaseOffset, out var framing) || framing.BaseOffset >= to)
                {
                    break;
                }

                if (framing.LastOffset >= from)
                {
                    ReplayBatch(header, framing.BaseOffset, framing.LastOffset);
                }

                position += framing.SizeInBytes;
            }
        }
    }

    private void ReplayBatch(ReadOnlySpan<byte> header, long firstOffset, long lastOffset)
    {
        var producerId = BinaryPrimitives.ReadInt64BigEndian(header[RecordBatchLayout.ProducerId..]);
        var attributes = new BatchAttributes(BinaryPrimitives.ReadInt16BigEndian(header[RecordBatchLayout.Attributes..]));
        if (producerId < 0 || attributes.IsControl)
        {
            return;
        }

        var epoch = BinaryPrimitives.ReadInt16BigEndian(header[RecordBatchLayout.ProducerEpoch..]);
        var firstSequence = BinaryPrimitives.ReadInt32BigEndian(header[RecordBatchLayout.BaseSequence..]);
        var offsetDelta = (int)(lastOffset - firstOffset);
        var maxTimestamp = BinaryPrimitives.ReadInt64BigEndian(header[RecordBatchLayout.MaxTimestamp..]);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_producers, producerId, out var exists);
        if (!exists)
        {
            entry = new ProducerStateEntry(producerId);
        }

        entry.AddBatch(epoch, new ProducerBatchMetadata(ProducerSequence.Increment(firstSequence, offsetDelta), lastOffset, offsetDelta, maxTimestamp));
    }

    private void Remember(long offset)
    {
        var index = _snapshots.BinarySearch(offset);
        if (index < 0)
        {
            _snapshots.Insert(~index, offset);
        }
    }

    private void DeleteSnapshots(Func<long, bool> doomed, bool durable)
    {
        var deleted = false;
        for (var i = _snapshots.Count - 1; i >= 0; i--)
        {
            if (doomed(_snapshots[i]))
            {
                TryDelete(_snapshots[i]);
                _snapshots.RemoveAt(i);
                deleted = true;
            }
        }

        if (deleted && durable)
        {
            DirectoryFsync.Flush(_directory);
        }
    }

    private void TryDelete(long offset)
    {
        try
        {
            File.Delete(ProducerSnapshotFile.PathOf(_directory, offset));
        }
        catch (IOException e)
        {
            _logger.LogWarning("{TopicPartition}: could not delete producer snapshot at offset {Offset}: {Reason}", _topicPartition, offset, e.Message);
        }
    }
}
