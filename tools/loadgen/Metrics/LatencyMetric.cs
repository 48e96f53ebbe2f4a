using HdrHistogram;

namespace LogBroker.Loadgen.Metrics;

/// <summary>
/// A latency distribution (acknowledgement, or end to end) gathered from many workers, each writing to
/// its own <see cref="LatencyRecorder"/> so they never contend. The reporter calls
/// <see cref="CollectInterval"/> once a second: that moves what was recorded since into
/// <see cref="Interval"/> (the last second only) and adds it to <see cref="Total"/> (the whole measured
/// run). Recorders are created before the run starts; collecting and reading are the reporter's, one thread.
/// </summary>
public sealed class LatencyMetric
{
    /// <summary>One hour in microseconds: anything slower is reported as an hour.</summary>
    public const long HighestTrackableMicros = 3_600_000_000L;

    private const int SignificantDigits = 3;
    private readonly List<Recorder> _recorders = [];
    private readonly LongHistogram _scratch = NewHistogram();

    public LatencyMetric(string name) => Name = name;

    public string Name { get; }

    /// <summary>What the last <see cref="CollectInterval"/> collected.</summary>
    public LongHistogram Interval { get; } = NewHistogram();

    /// <summary>Everything collected so far.</summary>
    public LongHistogram Total { get; } = NewHistogram();

    public LatencyRecorder CreateRecorder()
    {
        var recorder = HistogramFactory.With64BitBucketSize()
            .WithValuesFrom(1)
            .WithValuesUpTo(HighestTrackableMicros)
            .WithPrecisionOf(SignificantDigits)
            .WithThreadSafeWrites()
            .WithThreadSafeReads()
            .Create();
        _recorders.Add(recorder);
        return new LatencyRecorder(recorder);
    }

    public void CollectInterval()
    {
        Interval.Reset();
        foreach (var recorder in _recorders)
        {
            recorder.GetIntervalHistogramInto(_scratch);
            Interval.Add(_scratch);
        }

        Total.Add(Interval);
    }

    private static LongHistogram NewHistogram() => new(1, HighestTrackableMicros, SignificantDigits);
}
