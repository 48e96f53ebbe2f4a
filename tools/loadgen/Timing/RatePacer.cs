namespace LogBroker.Loadgen.Timing;

/// <summary>
/// Paces one producer at a fixed rate against its start time rather than against the last call: by
/// <c>t</c> microseconds after the start it has granted one record plus <c>rate × t</c>, less what was
/// written off. A caller that sleeps in ~1 ms steps and overshoots (a loaded machine, a blocked send, a
/// metadata fetch) is owed the records it missed and catches up, so the achieved rate is the asked-for
/// rate however the sleeps fall. Catch-up is bounded: a stall longer than <see cref="MaxCatchUp"/> is
/// written off beyond that much, so a long pause does not turn into a flood of its whole backlog. Never
/// grants more than the schedule, so over <c>d</c> seconds at most <c>1 + rate × d</c> records. The caller
/// supplies the time (microseconds, any origin), so the arithmetic is testable with a fake clock. One thread.
/// </summary>
public sealed class RatePacer
{
    /// <summary>
    /// The most backlog made up after a stall. A second covers what a busy two-core machine does to a
    /// sleeping thread (and the first send's metadata fetch) many times over, and is short enough that
    /// an e2e run's latency after a real pause shows the pause, not minutes of queued catch-up.
    /// </summary>
    public static readonly TimeSpan MaxCatchUp = TimeSpan.FromSeconds(1);

    private readonly double _ratePerSecond;
    private readonly double _maxOwed;
    private long _originMicros;
    private long _granted;

    /// <param name="ratePerSecond">Records per second; positive.</param>
    /// <param name="maxCatchUp">How much schedule a stall may leave owed; at least one record's worth is always owed.</param>
    /// <param name="nowMicros">The start of the schedule; one record is due at once.</param>
    public RatePacer(double ratePerSecond, TimeSpan maxCatchUp, long nowMicros)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCatchUp, TimeSpan.Zero);
        _ratePerSecond = ratePerSecond;
        _maxOwed = Math.Max(1, ratePerSecond * maxCatchUp.TotalSeconds);
        _originMicros = nowMicros;
    }

    public static RatePacer ForRate(double ratePerSecond, long nowMicros) => new(ratePerSecond, MaxCatchUp, nowMicros);

    /// <summary>Records granted so far.</summary>
    public long Granted => _granted;

    /// <summary>Grants one record if the schedule has made one due by <paramref name="nowMicros"/>.</summary>
    public bool TryTake(long nowMicros)
    {
        if (Owed(nowMicros) < 1)
        {
            return false;
        }

        _granted++;
        return true;
    }

    /// <summary>Microseconds from <paramref name="nowMicros"/> until the next record is due (0 if one is).</summary>
    public long MicrosUntilNext(long nowMicros)
    {
        var owed = Owed(nowMicros);
        return owed >= 1 ? 0 : (long)Math.Ceiling((1 - owed) * 1_000_000.0 / _ratePerSecond);
    }

    private double Owed(long nowMicros)
    {
        var owed = Due(nowMicros) - _granted;
        if (owed > _maxOwed)
        {
            // Write off the part of the stall beyond the catch-up: move the schedule's start forward.
            _originMicros = nowMicros - (long)((_granted + _maxOwed - 1) * 1_000_000.0 / _ratePerSecond);
            owed = Due(nowMicros) - _granted;
        }

        return owed;
    }

    /// <summary>
    /// Records the schedule has made due by <paramref name="nowMicros"/>. Multiplying before dividing keeps
    /// whole results exact for whole rates (micros × rate is an integer a double holds exactly).
    /// </summary>
    private double Due(long nowMicros) => 1 + ((nowMicros - _originMicros) * _ratePerSecond / 1_000_000.0);
}
