using System.Diagnostics;

namespace LogBroker.Faultlab;

/// <summary>
/// Time since the campaign started, from the monotonic high-resolution timer: faults, acknowledgements,
/// consumed records and report timelines all use it, so they line up without any wall-clock skew.
/// Thread-safe (reads only).
/// </summary>
public sealed class CampaignClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>When the campaign started, for the report.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_origin);

    /// <summary>Microseconds since the start.</summary>
    public long NowMicros => (long)(Stopwatch.GetElapsedTime(_origin).Ticks / (double)TimeSpan.TicksPerMicrosecond);

    public double NowSeconds => Elapsed.TotalSeconds;
}
