namespace LogBroker.Loadgen.Timing;

/// <summary>
/// Paces one producer at a fixed rate: tokens accrue at <c>ratePerSecond</c> up to a small burst,
/// one record spends one. The caller supplies the time (microseconds, any origin), so the arithmetic
/// is testable with a fake clock and the hot loop reads the clock once per record for both the stamp
/// and the pacing. The burst lets a caller that sleeps in ~1 ms steps catch up after each sleep
/// without a long stall turning into a flood. One thread.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _tokensPerMicro;
    private readonly double _burst;
    private double _tokens;
    private long _lastMicros;

    /// <param name="ratePerSecond">Tokens per second; positive.</param>
    /// <param name="burst">Most tokens that can pile up; at least 1.</param>
    /// <param name="nowMicros">The time the bucket starts at; it starts with one token.</param>
    public TokenBucket(double ratePerSecond, double burst, long nowMicros)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _tokensPerMicro = ratePerSecond / 1_000_000.0;
        _burst = burst;
        _tokens = 1;
        _lastMicros = nowMicros;
    }

    /// <summary>A burst of 10 ms worth of tokens (at least one): enough to ride out sleep overshoot, small enough not to distort the rate.</summary>
    public static TokenBucket ForRate(double ratePerSecond, long nowMicros) =>
        new(ratePerSecond, Math.Max(1, ratePerSecond / 100), nowMicros);

    /// <summary>Tokens available at the last call, for tests and diagnostics.</summary>
    public double Tokens => _tokens;

    /// <summary>Spends a token if one has accrued by <paramref name="nowMicros"/>.</summary>
    public bool TryTake(long nowMicros)
    {
        Refill(nowMicros);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>Microseconds from <paramref name="nowMicros"/> until a token is available (0 if one is).</summary>
    public long MicrosUntilNextToken(long nowMicros)
    {
        Refill(nowMicros);
        return _tokens >= 1 ? 0 : (long)Math.Ceiling((1 - _tokens) / _tokensPerMicro);
    }

    private void Refill(long nowMicros)
    {
        if (nowMicros <= _lastMicros)
        {
            return; // a clock that does not move (or a caller's earlier reading) adds nothing
        }

        _tokens = Math.Min(_burst, _tokens + ((nowMicros - _lastMicros) * _tokensPerMicro));
        _lastMicros = nowMicros;
    }
}
