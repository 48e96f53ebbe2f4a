using LogBroker.Client.Consuming;
using LogBroker.Protocol.Batches;

namespace LogBroker.Client;

/// <summary>The batch half of consuming: whole fetched chunks at a time, for throughput.</summary>
public sealed partial class Consumer
{
    /// <summary>
    /// The next records of one partition: the rest of a fetched chunk (whole stored batches, every one
    /// CRC-checked before it is handed out), read in place out of the pooled buffer the response was
    /// received into. Position bookkeeping happens once for the whole batch, and enumerating it
    /// allocates nothing per record. The batch, and every span of its records, is valid until the next
    /// call to <see cref="ConsumeBatchAsync"/> or <see cref="ConsumeOneAsync"/> (or until the consumer
    /// is disposed): that call means the application is done with it (auto-commit may then commit it),
    /// and returns its memory to the pool. Copy what must live longer. A batch is rarely empty (only
    /// when everything left in the chunk was transaction markers or records removed by compaction).
    /// </summary>
    public ValueTask<ConsumedBatch> ConsumeBatchAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        EndHandOut();
        if (_membership?.Pending is null && _membership?.Fatal is null && TryTakeBatch(out var batch))
        {
            return ValueTask.FromResult(batch);
        }

        return ConsumeBatchSlowAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="lease"/> is the current one: batches of earlier calls are void.</summary>
    internal bool IsLeaseCurrent(int lease) => _lease == lease;

    private async ValueTask<ConsumedBatch> ConsumeBatchSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await NextChunkAsync(cancellationToken);
            if (TryTakeBatch(out var batch))
            {
                return batch;
            }
        }
    }

    /// <summary>
    /// The rest of the chunk being read as one batch: the stored batch left open by <see cref="ConsumeOneAsync"/>
    /// (if any), then the following batches up to the end of the chunk or the first one failing its check
    /// (which the next call reports).
    /// </summary>
    private bool TryTakeBatch(out ConsumedBatch batch)
    {
        batch = default;
        while (_chunk is { } chunk)
        {
            if (chunk.Generation != chunk.State.Generation)
            {
                DropChunk(); // the position moved: what was fetched for the old one is void
                return false;
            }

            if (_inBatch)
            {
                var probe = _records;
                _inBatch = probe.MoveNext(out _); // a batch left open with nothing in it adds nothing
            }

            var positions = _chunkPositions;
            var from = positions.Position;
            var next = _inBatch ? _openBatchNext : from;
            var start = _chunkBytesRead;
            var end = start;
            var ahead = _batches;
            var broken = false;
            while (ahead.MoveNext(out var stored))
            {
                if (_options.CheckCrcs && !RecordBatchValidator.Validate(stored.Span, int.MaxValue, BatchValidationMode.Stored, out _).IsValid)
                {
                    if (end == start && !_inBatch)
                    {
                        CheckBatch(chunk, stored); // nothing good before it: report it now
                    }

                    broken = true;
                    break;
                }

                next = Math.Max(next, new RecordBatch(stored.Span).NextOffset);
                end += stored.Length;
            }

            if (end == start && !_inBatch)
            {
                DropChunk();
                continue;
            }

            batch = new ConsumedBatch(this, _lease, chunk.State.Partition, chunk.HighWatermark, from, next, _inBatch ? _records : null, chunk.Records[start..end]);
            positions.Position = next;
            _handedOut = positions;
            _handedOutNext = next;
            _inBatch = false;
            if (broken)
            {
                _batches = new BatchCursor(chunk.Records[end..]); // the bad batch stays, for the next call to report
                _chunkBytesRead = end;
            }
            else
            {
                _lent = chunk; // released at the next call
                _chunk = null;
            }

            return true;
        }

        return false;
    }
}
