namespace LogBroker.Loadgen.Timing;

/// <summary>
/// The times that bound a run, in <see cref="MonotonicClock"/> microseconds: when it started, when the
/// warmup ends (events before it count in neither histograms nor throughput), and when producing must
/// stop (<see cref="long.MaxValue"/> when only a count bounds it). Immutable; shared by all workers.
/// </summary>
public readonly record struct MeasurementWindow(long StartMicros, long WarmupEndMicros, long DeadlineMicros)
{
    public static MeasurementWindow StartingNow(TimeSpan warmup, TimeSpan? duration)
    {
        var start = MonotonicClock.NowMicros;
        var warmupEnd = start + (long)(warmup.TotalMilliseconds * 1000);
        var deadline = duration is { } d ? warmupEnd + (long)(d.TotalMilliseconds * 1000) : long.MaxValue;
        return new MeasurementWindow(start, warmupEnd, deadline);
    }

    public bool InWarmup(long nowMicros) => nowMicros < WarmupEndMicros;

    /// <summary>Seconds of measurement between the end of the warmup and <paramref name="endMicros"/>; 0 if the run ended inside the warmup.</summary>
    public double MeasuredSeconds(long endMicros) => Math.Max(0, endMicros - WarmupEndMicros) / 1e6;

    public double SecondsSinceStart(long nowMicros) => (nowMicros - StartMicros) / 1e6;
}
