using System.Globalization;
using System.Text;
using LogBroker.Client;
using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// One producer of the workload: a client of its own sending records at a set rate (a 10 ms tick
/// produces what the rate owes since the start, so a tick that runs late is made up, but at most a
/// second's worth), each value naming its producer and sequence (<see cref="RecordId"/>), and every
/// outcome written to its <see cref="AckLog"/>. Fire and forget with a delivery callback, as a real
/// high-rate producer sends. Sending blocks while the client's buffer is full (a broker down), which is
/// what a real application sees too.
/// </summary>
public sealed class ProducerWorker : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private readonly int _index;
    private readonly string _topic;
    private readonly double _recordsPerSecond;
    private readonly CampaignClock _clock;
    private readonly Producer _producer;
    private readonly byte[] _value;
    private readonly byte[][] _keys;
    private long _sequence;

    public ProducerWorker(int index, ProducerSpec spec, string bootstrap, string topic, double recordsPerSecond, int recordSize, CampaignClock clock, ErrorTally errors)
    {
        _index = index;
        Spec = spec;
        _topic = topic;
        _recordsPerSecond = recordsPerSecond;
        _clock = clock;
        _value = new byte[Math.Max(recordSize, RecordId.MaxPrefixBytes)];
        _keys = spec.Keyed ? [.. Enumerable.Range(0, ProducerSpec.KeyCount).Select(k => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"k{k}")))] : [];
        _producer = new Producer(new ProducerOptions
        {
            BootstrapServers = bootstrap,
            Acks = spec.Acks,
            Compression = spec.Compression,
            Linger = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
            DeliveryTimeout = TimeSpan.FromSeconds(60),
            MaxBlock = TimeSpan.FromSeconds(30),
            LoggerFactory = new ClientLogTap(errors),
        });
    }

    public ProducerSpec Spec { get; }

    public AckLog Log { get; } = new();

    /// <summary>Produces at the set rate until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Tick);
        var started = _clock.NowSeconds;
        var maxPerTick = Math.Max(1, (long)_recordsPerSecond);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var owed = (long)((_clock.NowSeconds - started) * _recordsPerSecond) + 1 - _sequence;
                for (var i = Math.Min(owed, maxPerTick); i > 0 && !stop.IsCancellationRequested; i--)
                {
                    ProduceNext();
                }

                if (owed > maxPerTick)
                {
                    started += (owed - maxPerTick) / _recordsPerSecond; // a long stall is written off, not flooded out
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits until every record sent is acknowledged or failed, at most <paramref name="timeout"/>; false if some are still open.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _producer.FlushAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _producer.DisposeAsync();

    private void ProduceNext()
    {
        var sequence = _sequence++;
        var sent = _clock.NowMicros;
        new RecordId(_index, sequence).WriteTo(_value);
        ReadOnlyMemory<byte>? key = _keys.Length == 0 ? null : _keys[sequence % _keys.Length];
        Log.CountSent();
        try
        {
            _producer.Produce(_topic, key, _value, report =>
            {
                if (report.Succeeded)
                {
                    Log.Acked(new Ack(sequence, report.Result.Partition, report.Result.Offset, sent, _clock.NowMicros));
                }
                else
                {
                    Log.Failed(sequence, report.Error!.Code, sent, _clock.NowMicros);
                }
            });
        }
        catch (LogBrokerException e)
        {
            Log.Failed(sequence, e.Code, sent, _clock.NowMicros);
        }
        catch (OperationCanceledException)
        {
            Log.Failed(sequence, ErrorCode.RequestTimedOut, sent, _clock.NowMicros);
        }
    }
}
