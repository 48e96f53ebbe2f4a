namespace LogBroker.Client.Producing;

/// <summary>
/// The producer's <c>BufferMemory</c> as a count of bytes (Kafka's BufferPool): a batch reserves its
/// capacity when it opens (<c>BatchSize</c>, or more for a record larger than that) and returns it
/// when it is delivered or failed. A caller that finds it spent blocks, first come first served: the
/// produce call blocks, as Kafka's <c>send()</c> does, so one caller's records stay in call order. A
/// reservation larger than the whole budget is granted once nothing else is reserved.
/// </summary>
internal sealed class BufferMemoryBudget(long capacity)
{
    private readonly object _lock = new(); // Monitor.Wait needs a plain object, not a Lock
    private readonly LinkedList<long> _queue = new();
    private long _inUse;

    public long Capacity { get; } = capacity;

    public long InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Blocks until <paramref name="bytes"/> are reserved; false when <paramref name="timeout"/> passes first.</summary>
    public bool TryReserve(long bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var grant = Math.Min(bytes, Capacity);
        lock (_lock)
        {
            if (_queue.Count == 0 && _inUse + grant <= Capacity)
            {
                _inUse += grant;
                return true;
            }
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var wake = cancellationToken.Register(WakeAll);
        lock (_lock)
        {
            var turn = _queue.AddLast(grant);
            try
            {
                while (_queue.First != turn || _inUse + grant > Capacity)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var left = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    Monitor.Wait(_lock, left);
                }

                _inUse += grant;
                return true;
            }
            finally
            {
                _queue.Remove(turn);
                Monitor.PulseAll(_lock); // the next in line may fit now
            }
        }
    }

    public void Release(long bytes)
    {
        lock (_lock)
        {
            _inUse -= Math.Min(bytes, Capacity);
            Monitor.PulseAll(_lock);
        }
    }

    private void WakeAll()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }
}
