using LogBroker.Client;
using LogBroker.Loadgen.Metrics;
using LogBroker.Loadgen.Producing;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Consuming;

/// <summary>
/// One consumer client reading its assigned partition ranges until every one is read to its end offset
/// (or the shared budget runs out, or it is stopped). Counts records and value bytes and, in e2e mode,
/// records produce-to-consume latency from the send time at the start of each value. The read loop
/// allocates nothing per record: <see cref="Consumer.ConsumeOneAsync"/> completes synchronously from the
/// fetched chunk, and values are slices of it. One loop; end offsets may be set from another thread.
/// </summary>
public sealed class ConsumerWorker : IAsyncDisposable
{
    private readonly int _index;
    private readonly Consumer _consumer;
    private readonly int[] _partitions;
    private readonly long[] _positions;
    private readonly long[] _ends;
    private readonly MeasurementWindow _window;
    private readonly LatencyRecorder? _endToEnd;
    private readonly RecordBudget? _budget;
    private readonly ErrorTally _errors;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Most records the per-record loop counts before publishing them, so the live line stays current.</summary>
    private const int PublishEveryRecords = 4096;

    private readonly bool _batch;
    private long _withoutSendTime;

    /// <param name="endToEnd">Where to record e2e latency; null when values carry no send time from this process.</param>
    /// <param name="batch">Read with <see cref="Consumer.ConsumeBatchAsync"/> (whole fetched batches) rather than a record per call.</param>
    public ConsumerWorker(int index, ConsumerOptions options, string topic, int partitionCount, IReadOnlyList<PartitionRange> ranges, MeasurementWindow window, LatencyRecorder? endToEnd, RecordBudget? budget, ErrorTally errors, bool batch = false)
    {
        _index = index;
        _batch = batch;
        _window = window;
        _endToEnd = endToEnd;
        _budget = budget;
        _errors = errors;
        _partitions = [.. ranges.Select(r => r.Partition)];
        _positions = new long[partitionCount];
        _ends = new long[partitionCount];
        foreach (var range in ranges)
        {
            _positions[range.Partition] = range.StartOffset;
            _ends[range.Partition] = range.EndOffset;
        }

        _consumer = new Consumer(options);
        _consumer.Assign(ranges.Select(r => new TopicPartitionOffset(topic, r.Partition, r.StartOffset)));
    }

    public ThroughputCounter Consumed { get; } = new();

    /// <summary>Records whose value did not start with a plausible send time from this run (e2e only).</summary>
    public long RecordsWithoutSendTime => Volatile.Read(ref _withoutSendTime);

    /// <summary>Completes when every assigned partition has been read to its end offset.</summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>When the last record was read (or the worker stopped).</summary>
    public long FinishedMicros { get; private set; }

    /// <summary>Sets a partition's end offset (e2e: once the producers are done).</summary>
    public void SetEnd(int partition, long endOffset)
    {
        Volatile.Write(ref _ends[partition], endOffset);
        TryFinish();
    }

    public void Stop() => _stop.Cancel();

    /// <summary>Reads until caught up, stopped, or a non-retriable error (counted, and noted as a problem).</summary>
    public async Task RunAsync()
    {
        if (!TryFinish())
        {
            await (_batch ? ReadBatchesAsync() : ReadLoopAsync());
        }

        FinishedMicros = MonotonicClock.NowMicros;
    }

    public async ValueTask DisposeAsync()
    {
        await _consumer.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>
    /// The per-record loop. After the warmup, records are counted locally and published to
    /// <see cref="Consumed"/> in blocks: whenever the next record is not already fetched (before waiting
    /// for it), at least every <see cref="PublishEveryRecords"/> records, and when the loop ends.
    /// </summary>
    private async Task ReadLoopAsync()
    {
        var token = _stop.Token;
        var warmupOver = false;
        long pendingRecords = 0, pendingBytes = 0;
        try
        {
            while (true)
            {
                ConsumeResult record;
                try
                {
                    var next = _consumer.ConsumeOneAsync(token);
                    if (!next.IsCompleted || pendingRecords >= PublishEveryRecords)
                    {
                        Consumed.Add(pendingRecords, pendingBytes, inWarmup: false);
                        (pendingRecords, pendingBytes) = (0, 0);
                    }

                    record = await next;
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (LogBrokerException e)
                {
                    _errors.Count(e.Code);
                    _errors.AddProblem($"consumer {_index} stopped: {e.Message}");
                    return;
                }

                if (_budget is not null && !_budget.TryClaim())
                {
                    return;
                }

                // Once the warmup is over it stays over: only e2e latency needs the clock for every record.
                var now = _endToEnd is not null || !warmupOver ? MonotonicClock.NowMicros : 0;
                var inWarmup = !warmupOver && _window.InWarmup(now);
                warmupOver = !inWarmup;
                if (inWarmup)
                {
                    Consumed.Add(record.Value.Length, inWarmup: true);
                }
                else
                {
                    pendingRecords++;
                    pendingBytes += record.Value.Length;
                }

                if (_endToEnd is not null)
                {
                    RecordEndToEnd(record.Value.Span, now, inWarmup);
                }

                var position = record.Offset + 1;
                Volatile.Write(ref _positions[record.Partition], position);
                if (position >= Volatile.Read(ref _ends[record.Partition]) && TryFinish())
                {
                    return;
                }
            }
        }
        finally
        {
            Consumed.Add(pendingRecords, pendingBytes, inWarmup: false);
        }
    }

    /// <summary>
    /// The batch loop: one call per fetched chunk, counters and budget touched once per batch; the
    /// per-record work is only what the records' own accounting needs (value bytes, e2e latency).
    /// </summary>
    private async Task ReadBatchesAsync()
    {
        var token = _stop.Token;
        while (true)
        {
            ConsumedBatch batch;
            try
            {
                batch = await _consumer.ConsumeBatchAsync(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (LogBrokerException e)
            {
                _errors.Count(e.Code);
                _errors.AddProblem($"consumer {_index} stopped: {e.Message}");
                return;
            }

            var now = MonotonicClock.NowMicros;
            var inWarmup = _window.InWarmup(now);
            var (records, bytes) = Tally(batch, long.MaxValue, now, inWarmup);
            var granted = _budget?.TryClaim(records) ?? records;
            var spent = granted < records;
            if (spent)
            {
                (records, bytes) = Tally(batch, granted, now, inWarmup); // count only what the budget allows (consume mode: no e2e latency to record twice)
            }

            Consumed.Add(records, bytes, inWarmup);
            Volatile.Write(ref _positions[batch.Partition], batch.NextOffset);
            if (spent || (batch.NextOffset >= Volatile.Read(ref _ends[batch.Partition]) && TryFinish()))
            {
                return;
            }
        }
    }

    /// <summary>Records and value bytes of the first <paramref name="most"/> records of <paramref name="batch"/>, recording e2e latency for them.</summary>
    private (long Records, long Bytes) Tally(ConsumedBatch batch, long most, long nowMicros, bool inWarmup)
    {
        long records = 0, bytes = 0;
        foreach (var record in batch)
        {
            if (records == most)
            {
                break;
            }

            records++;
            bytes += record.Value.Length;
            if (_endToEnd is not null)
            {
                RecordEndToEnd(record.Value, nowMicros, inWarmup);
            }
        }

        return (records, bytes);
    }

    private void RecordEndToEnd(ReadOnlySpan<byte> value, long nowMicros, bool inWarmup)
    {
        var sentMicros = PayloadSource.ReadSendTime(value);
        if (sentMicros < _window.StartMicros || sentMicros > nowMicros)
        {
            Interlocked.Increment(ref _withoutSendTime); // written by someone else, or not by this run
        }
        else if (!inWarmup)
        {
            _endToEnd!.Record(nowMicros - sentMicros);
        }
    }

    /// <summary>Completes <see cref="CaughtUp"/> and wakes the loop if every partition has reached its end.</summary>
    private bool TryFinish()
    {
        foreach (var partition in _partitions)
        {
            if (Volatile.Read(ref _positions[partition]) < Volatile.Read(ref _ends[partition]))
            {
                return false;
            }
        }

        if (_caughtUp.TrySetResult())
        {
            _stop.Cancel();
        }

        return true;
    }
}
