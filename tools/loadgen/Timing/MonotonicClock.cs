using System.Diagnostics;

namespace LogBroker.Loadgen.Timing;

/// <summary>
/// Microseconds since this process first asked, from the high-resolution monotonic timer. Producers
/// write it into each value and consumers of the same process subtract it from their own reading, so
/// the difference is a true interval: no wall clock, no skew between machines. Meaningless across processes.
/// </summary>
public static class MonotonicClock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();
    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;

    public static long NowMicros => ToMicros(Stopwatch.GetTimestamp());

    public static long ToMicros(long stopwatchTimestamp) => (long)((stopwatchTimestamp - Origin) * MicrosPerTick);
}
