using LogBroker.Client.Consuming;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;

namespace LogBroker.Client;

/// <summary>
/// Reading fetched chunks on the consuming thread: opening them, walking their batches and records,
/// publishing positions (plain stores into the chunk's <see cref="ConsumedPositions"/>, no lock), and
/// giving their pooled memory back when the application is done.
/// </summary>
public sealed partial class Consumer
{
    private async ValueTask<ConsumeResult> ConsumeSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await NextChunkAsync(cancellationToken);
            if (TryTakeBuffered(out var result))
            {
                return result;
            }
        }
    }

    /// <summary>Applies a rebalance the group asked for, then returns once a chunk is open (one may already be).</summary>
    private async ValueTask NextChunkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_membership is { } membership)
            {
                if (membership.Fatal is { } fatal)
                {
                    throw fatal;
                }

                if (membership.Pending is { } change && !change.Applied.IsCompleted)
                {
                    await ApplyGroupChangeAsync(change, cancellationToken);
                }

                if (_chunk is not null)
                {
                    return;
                }

                // Wait for data or for the group to ask for a change, whichever comes first.
                var posted = membership.Posted;
                var ready = _prefetched.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(ready, posted) == posted)
                {
                    continue;
                }
            }
            else if (_chunk is not null)
            {
                return;
            }

            var chunk = await _prefetched.Reader.ReadAsync(cancellationToken);
            if (chunk.Error != ErrorCode.None)
            {
                if (chunk.Generation < 0 || chunk.Generation == chunk.State.Generation)
                {
                    throw new LogBrokerException(chunk.Error, chunk.ErrorMessage ?? chunk.Error.ToString());
                }

                continue;
            }

            if (OpenChunk(chunk))
            {
                return;
            }
        }
    }

    /// <summary>Makes <paramref name="chunk"/> the one being read, unless its position moved since it was fetched.</summary>
    private bool OpenChunk(FetchedChunk chunk)
    {
        var positions = chunk.State.Consumed;
        if (positions.Generation != chunk.Generation)
        {
            chunk.Release(); // fetched for a position that has moved since
            return false;
        }

        _chunk = chunk;
        _chunkPositions = positions;
        _batches = new BatchCursor(chunk.Records);
        _chunkBytesRead = 0;
        _inBatch = false;
        _chunkDetached = false;
        return true;
    }

    private void DropChunk()
    {
        _chunk?.Release();
        _chunk = null;
        _inBatch = false;
    }

    /// <summary>
    /// The application asked for more (or is closing): what it was handed is processed, and a batch
    /// lent to it is void, its memory back to the pool.
    /// </summary>
    private void EndHandOut()
    {
        if (_handedOut is { } positions)
        {
            _handedOut = null;
            positions.Processed = _handedOutNext;
        }

        _lease++;
        if (_lent is { } lent)
        {
            _lent = null;
            lent.Release();
        }
    }

    /// <summary>The next record of the chunk being read, if any: no waiting, no lock and no allocation.</summary>
    private bool TryTakeBuffered(out ConsumeResult result)
    {
        result = default;
        while (_chunk is { } chunk)
        {
            if (chunk.Generation != chunk.State.Generation)
            {
                DropChunk(); // the position moved: what was fetched for the old one is void
                return false;
            }

            if (_inBatch)
            {
                if (!_records.MoveNext(out var record))
                {
                    _inBatch = false;
                    continue;
                }

                var positions = _chunkPositions;
                if (record.Offset < positions.Position)
                {
                    continue; // a batch may start before the position asked for
                }

                if (!_chunkDetached)
                {
                    // The application may keep this record's key and value as long as it likes.
                    chunk.Buffer?.Detach();
                    _chunkDetached = true;
                }

                positions.Position = record.Offset + 1;
                _handedOut = positions;
                _handedOutNext = record.Offset + 1;
                result = new ConsumeResult(chunk.State.Partition.Topic, chunk.State.Partition.Partition, record.Offset, record.Timestamp, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, new RecordHeaders(record.RawHeaders, record.HeaderCount), chunk.HighWatermark);
                return true;
            }

            if (!_batches.MoveNext(out var batch))
            {
                DropChunk();
                return false;
            }

            _chunkBytesRead += batch.Length;
            OpenBatch(chunk, batch);
        }

        return false;
    }

    /// <summary>Throws <see cref="LogBrokerException"/> (CorruptMessage) when a fetched batch fails its CRC check, when checks are on.</summary>
    private void CheckBatch(FetchedChunk chunk, ReadOnlyMemory<byte> batch)
    {
        if (_options.CheckCrcs)
        {
            var verdict = RecordBatchValidator.Validate(batch.Span, int.MaxValue, BatchValidationMode.Stored, out _);
            if (!verdict.IsValid)
            {
                DropChunk();
                throw new LogBrokerException(ErrorCode.CorruptMessage, $"{chunk.State.Partition}: a fetched batch failed its check: {verdict.Message}");
            }
        }
    }

    private void OpenBatch(FetchedChunk chunk, ReadOnlyMemory<byte> batch)
    {
        CheckBatch(chunk, batch);
        var view = new RecordBatch(batch.Span);
        var positions = _chunkPositions;
        if (view.NextOffset <= positions.Position)
        {
            return; // wholly before the position
        }

        if (view.Attributes.IsControl)
        {
            positions.Position = view.NextOffset; // transaction markers are not records
            return;
        }

        try
        {
            _records = RecordCursor.ForBatch(batch);
        }
        catch (InvalidDataException e)
        {
            DropChunk();
            throw new LogBrokerException(ErrorCode.CorruptMessage, $"{chunk.State.Partition}: batch at offset {view.BaseOffset} cannot be decompressed: {e.Message}", e);
        }

        _openBatchNext = view.NextOffset;
        _inBatch = true;
    }
}
