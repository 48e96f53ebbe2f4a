using LogBroker.Client;
using LogBroker.Loadgen.Metrics;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Producing;

/// <summary>
/// One producer client driven flat out or at a paced rate from its own thread, until its share of the
/// count is sent, the deadline passes, or it is told to stop; then it flushes. The hot loop allocates
/// nothing per record: keys are slices of a shared <see cref="KeySpace"/>, the value is a window of one
/// reusable <see cref="PayloadSource"/> stamped with the send time, the record goes out with the
/// fire-and-forget <see cref="Producer.Produce"/> and one delivery callback delegate created once, and the
/// send time waits for its acknowledgement in the partition's <see cref="SendTimeQueue"/>.
/// <para>
/// Each worker owns its client, so each (worker, partition) pair sees its records acknowledged in the
/// order it sent them: that is what lets the callback pair a report with a send time by position alone.
/// A retried batch can be overtaken by a later one of its partition; then a few latencies are swapped
/// between those records, and counts still match.
/// </para>
/// </summary>
public sealed class ProducerWorker : IAsyncDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(60);
    private readonly int _index;
    private readonly Producer _producer;
    private readonly string _topic;
    private readonly int _recordSize;
    private readonly long _quota;
    private readonly double _recordsPerSecond;
    private readonly MeasurementWindow _window;
    private readonly PayloadSource _payload;
    private readonly PartitionPicker _picker;
    private readonly SendTimeQueue[] _sendTimes;
    private readonly Action<DeliveryReport> _onDelivery;
    private readonly LatencyRecorder _ackLatency;
    private readonly ErrorTally _errors;

    /// <param name="quota">Records this worker sends at most.</param>
    /// <param name="recordsPerSecond">This worker's pace; 0 for flat out.</param>
    public ProducerWorker(int index, ProducerOptions options, string topic, int partitionCount, int recordSize, KeySpace? keys, long quota, double recordsPerSecond, MeasurementWindow window, LatencyRecorder ackLatency, ErrorTally errors)
    {
        _index = index;
        _producer = new Producer(options);
        _topic = topic;
        _recordSize = recordSize;
        _quota = quota;
        _recordsPerSecond = recordsPerSecond;
        _window = window;
        _ackLatency = ackLatency;
        _errors = errors;
        var random = new Random();
        _payload = new PayloadSource(recordSize, options.BatchSize, random);
        _picker = new PartitionPicker(keys, partitionCount, index, recordSize, options.BatchSize, random);
        _sendTimes = new SendTimeQueue[partitionCount];
        for (var p = 0; p < partitionCount; p++)
        {
            _sendTimes[p] = new SendTimeQueue();
        }

        _onDelivery = OnDelivery;
    }

    /// <summary>Records handed to the client (accepted into a batch).</summary>
    public ThroughputCounter Sent { get; } = new();

    /// <summary>Records the broker acknowledged (with acks=none: records written to the wire).</summary>
    public ThroughputCounter Acked { get; } = new();

    public ThroughputCounter Failed { get; } = new();

    /// <summary>Records sent whose outcome is not known yet.</summary>
    public long InFlight => Sent.Records - Acked.Records - Failed.Records;

    /// <summary>
    /// Bytes the producing thread allocated from its first record after the warmup (the very first one
    /// fetches metadata), and records sent since. Includes what the client allocates on this thread, such
    /// as a batch buffer each time its pool has none free yet.
    /// </summary>
    public (long Bytes, long Records) SteadyStateAllocation { get; private set; }

    /// <summary>When this worker's last record was acknowledged or failed (after the flush).</summary>
    public long FinishedMicros { get; private set; }

    /// <summary>Produces on a dedicated thread until done or <paramref name="stop"/>, then waits (bounded) for outstanding acknowledgements.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await Task.Factory.StartNew(() => ProduceLoop(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        using var timeout = new CancellationTokenSource(FlushTimeout);
        try
        {
            await _producer.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _errors.AddProblem($"producer {_index}: {InFlight} record(s) still unacknowledged after {FlushTimeout.TotalSeconds:F0} s");
        }

        FinishedMicros = MonotonicClock.NowMicros;
    }

    public ValueTask DisposeAsync() => _producer.DisposeAsync();

    private void ProduceLoop(CancellationToken stop)
    {
        var pacing = _recordsPerSecond > 0 ? RatePacer.ForRate(_recordsPerSecond, MonotonicClock.NowMicros) : null;
        long produced = 0;
        long measuredFrom = -1;
        long allocatedBefore = 0;
        while (produced < _quota && !stop.IsCancellationRequested)
        {
            var now = MonotonicClock.NowMicros;
            if (now >= _window.DeadlineMicros)
            {
                break;
            }

            if (pacing is not null && !pacing.TryTake(now))
            {
                // Short sleeps keep the deadline and a stop prompt; what an overshoot misses, the pacer still owes.
                Thread.Sleep((int)Math.Clamp(pacing.MicrosUntilNext(now) / 1000, 1, 10));
                continue;
            }

            var partition = _picker.Next(out var key);
            var value = _payload.Next(now);
            var sendTimes = _sendTimes[partition];
            sendTimes.Enqueue(now); // before the call: the report can arrive before Produce returns
            try
            {
                _producer.Produce(_topic, key, value, _onDelivery, headers: null, timestamp: null, partition: partition);
            }
            catch (Exception e) when (e is LogBrokerException or ObjectDisposedException or OperationCanceledException)
            {
                sendTimes.RemoveLast();
                if (e is LogBrokerException refused)
                {
                    _errors.Count(refused.Code);
                }

                _errors.AddProblem($"producer {_index} stopped after {produced} record(s): {e.Message}");
                break;
            }

            var inWarmup = _window.InWarmup(now);
            Sent.Add(_recordSize, inWarmup);
            produced++;
            if (measuredFrom < 0 && !inWarmup)
            {
                (measuredFrom, allocatedBefore) = (produced, GC.GetAllocatedBytesForCurrentThread());
            }
        }

        SteadyStateAllocation = measuredFrom > 0 && produced > measuredFrom ? (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, produced - measuredFrom) : (0, 0);
    }

    /// <summary>The one delivery callback: on a client thread, once per record, so it only counts and records.</summary>
    private void OnDelivery(DeliveryReport report)
    {
        var now = MonotonicClock.NowMicros;
        var partition = report.Result.Partition;
        long sentMicros = -1;
        var matched = (uint)partition < (uint)_sendTimes.Length && _sendTimes[partition].TryDequeue(out sentMicros);
        var inWarmup = _window.InWarmup(now);
        if (report.Error is { } error)
        {
            Failed.Add(_recordSize, inWarmup);
            _errors.Count(error.Code);
            return;
        }

        Acked.Add(_recordSize, inWarmup);
        if (matched && !inWarmup)
        {
            _ackLatency.Record(now - sentMicros);
        }
    }
}
