using System.Globalization;
using HdrHistogram;
using LogBroker.Loadgen.Metrics;
using LogBroker.Loadgen.Reporting;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Running;

/// <summary>
/// Once a second: collects the latency intervals, turns counter deltas into rates, appends a point to
/// <see cref="Series"/> and writes one line to the live output (stderr). It reads counters and swaps
/// histogram buffers, nothing more, so the workers barely notice. <see cref="TakeSample"/> is called by
/// the timer loop and, once the loop has stopped, a last time for the remainder; never concurrently.
/// </summary>
public sealed class LiveReporter
{
    private readonly RunMetrics _metrics;
    private readonly TextWriter _live;
    private readonly MeasurementWindow _window;
    private readonly bool _producing;
    private readonly bool _consuming;
    private readonly bool _endToEnd;
    private CounterTotals _last;
    private long _lastMicros;

    public LiveReporter(RunMetrics metrics, TextWriter live, MeasurementWindow window, bool producing, bool consuming, bool endToEnd)
    {
        _metrics = metrics;
        _live = live;
        _window = window;
        _producing = producing;
        _consuming = consuming;
        _endToEnd = endToEnd;
        _lastMicros = window.StartMicros;
    }

    public List<IntervalSample> Series { get; } = [];

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                _live.WriteLine(Describe(TakeSample()));
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    /// <summary>Closes the current interval: collects latencies into the totals and records a series point.</summary>
    public IntervalSample TakeSample()
    {
        var now = MonotonicClock.NowMicros;
        var totals = _metrics.Totals();
        _metrics.Ack.CollectInterval();
        _metrics.EndToEnd.CollectInterval();
        var seconds = Math.Max(1e-6, (now - _lastMicros) / 1e6);
        var sample = new IntervalSample(
            ElapsedSeconds: Math.Round(_window.SecondsSinceStart(now), 3),
            IntervalSeconds: Math.Round(seconds, 3),
            Warmup: _window.InWarmup(now),
            ProducedRecords: totals.Acked - _last.Acked,
            ConsumedRecords: totals.Consumed - _last.Consumed,
            SentRecordsPerSecond: (totals.Sent - _last.Sent) / seconds,
            ProducedRecordsPerSecond: (totals.Acked - _last.Acked) / seconds,
            ProducedMegabytesPerSecond: (totals.AckedBytes - _last.AckedBytes) / seconds / 1e6,
            ConsumedRecordsPerSecond: (totals.Consumed - _last.Consumed) / seconds,
            ConsumedMegabytesPerSecond: (totals.ConsumedBytes - _last.ConsumedBytes) / seconds / 1e6,
            AckP50Ms: AtPercentile(_metrics.Ack.Interval, 50),
            AckP99Ms: AtPercentile(_metrics.Ack.Interval, 99),
            AckMaxMs: AtPercentile(_metrics.Ack.Interval, 100),
            EndToEndP50Ms: AtPercentile(_metrics.EndToEnd.Interval, 50),
            EndToEndP99Ms: AtPercentile(_metrics.EndToEnd.Interval, 99),
            EndToEndMaxMs: AtPercentile(_metrics.EndToEnd.Interval, 100),
            InFlight: totals.InFlight);
        _last = totals;
        _lastMicros = now;
        Series.Add(sample);
        return sample;
    }

    private string Describe(IntervalSample sample)
    {
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"[{sample.ElapsedSeconds,5:F0}s]");
        if (sample.Warmup)
        {
            line.Append(" warmup");
        }

        if (_producing)
        {
            line.Append(CultureInfo.InvariantCulture, $" | produce {sample.ProducedRecordsPerSecond,10:N0} rec/s {sample.ProducedMegabytesPerSecond,7:F1} MB/s");
        }

        if (_consuming)
        {
            line.Append(CultureInfo.InvariantCulture, $" | consume {sample.ConsumedRecordsPerSecond,10:N0} rec/s {sample.ConsumedMegabytesPerSecond,7:F1} MB/s");
        }

        if (_producing)
        {
            line.Append(CultureInfo.InvariantCulture, $" | ack p99 {SoFar(_metrics.Ack)}");
        }

        if (_endToEnd)
        {
            line.Append(CultureInfo.InvariantCulture, $" | e2e p99 {SoFar(_metrics.EndToEnd)}");
        }

        if (_producing)
        {
            line.Append(CultureInfo.InvariantCulture, $" | in-flight {sample.InFlight:N0}");
        }

        return line.ToString();
    }

    private static string SoFar(LatencyMetric metric) =>
        metric.Total.TotalCount == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{metric.Total.GetValueAtPercentile(99) / 1000.0:F2} ms");

    private static double? AtPercentile(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? null : Math.Round((percentile >= 100 ? histogram.GetMaxValue() : histogram.GetValueAtPercentile(percentile)) / 1000.0, 3);
}
