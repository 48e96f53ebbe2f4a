using System.Diagnostics;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// A token bucket over the cleaner's reads and writes: bytes are taken as they are moved, and once the
/// bucket is empty the cleaner waits until it has refilled at the configured rate. It holds at most a
/// tenth of a second's worth, so a pause in cleaning does not buy a burst. One owner: the cleaner thread.
/// </summary>
internal sealed class IoThrottle
{
    private readonly double _bytesPerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _lastRefill;

    public IoThrottle(long maxBytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytesPerSecond);
        IsUnbounded = maxBytesPerSecond == long.MaxValue;
        _bytesPerSecond = maxBytesPerSecond;
        _capacity = Math.Max(_bytesPerSecond / 10, 4096);
        _tokens = _capacity;
        _lastRefill = Stopwatch.GetTimestamp();
    }

    public bool IsUnbounded { get; }

    /// <summary>Takes <paramref name="bytes"/> from the bucket, waiting (cancellably) for the rate to allow them.</summary>
    public void Acquire(long bytes, CancellationToken cancellation)
    {
        if (IsUnbounded || bytes <= 0)
        {
            return;
        }

        Refill();
        _tokens -= bytes;
        if (_tokens < 0)
        {
            var wait = TimeSpan.FromSeconds(-_tokens / _bytesPerSecond);
            cancellation.WaitHandle.WaitOne(wait);
            cancellation.ThrowIfCancellationRequested();
            Refill();
        }
    }

    private void Refill()
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        _tokens = Math.Min(_capacity, _tokens + (elapsed * _bytesPerSecond));
    }
}
