namespace LogBroker.Broker.Api;

/// <summary>
/// An async budget of bytes: callers wait (first come, first served) until what they ask for is free.
/// A request larger than the whole budget is admitted once the budget is entirely free, so it can
/// neither deadlock nor starve. The lock covers only counters and the wait queue, never I/O.
/// </summary>
public sealed class ByteBudget(long capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Bytes, TaskCompletionSource Ready)> _waiters = new();
    private long _inUse;
    private long _peak;

    public long Capacity { get; } = capacity;

    /// <summary>The most bytes in use at once so far.</summary>
    public long Peak
    {
        get
        {
            lock (_lock)
            {
                return _peak;
            }
        }
    }

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

    /// <summary>Takes <paramref name="bytes"/> if they are free now and nobody is waiting ahead.</summary>
    public bool TryAcquire(long bytes)
    {
        var grant = Math.Min(bytes, Capacity);
        lock (_lock)
        {
            if (_waiters.Count == 0 && _inUse + grant <= Capacity)
            {
                _inUse += grant;
                _peak = Math.Max(_peak, _inUse);
                return true;
            }

            return false;
        }
    }

    public ValueTask AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        var grant = Math.Min(bytes, Capacity);
        TaskCompletionSource ready;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _inUse + grant <= Capacity)
            {
                _inUse += grant;
                _peak = Math.Max(_peak, _inUse);
                return ValueTask.CompletedTask;
            }

            ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((grant, ready));
        }

        return new ValueTask(WaitAsync(ready, cancellationToken));
    }

    public void Release(long bytes)
    {
        var grant = Math.Min(bytes, Capacity);
        List<(long Bytes, TaskCompletionSource Ready)>? admitted = null;
        lock (_lock)
        {
            _inUse -= grant;
            while (_waiters.TryPeek(out var next) && (next.Ready.Task.IsCompleted || _inUse + next.Bytes <= Capacity))
            {
                _waiters.Dequeue();
                if (!next.Ready.Task.IsCompleted)
                {
                    _inUse += next.Bytes;
                    _peak = Math.Max(_peak, _inUse);
                    (admitted ??= []).Add(next);
                }
            }
        }

        if (admitted is not null)
        {
            foreach (var (granted, ready) in admitted)
            {
                if (!ready.TrySetResult())
                {
                    Release(granted); // cancelled in the meantime: hand its share back
                }
            }
        }
    }

    private static async Task WaitAsync(TaskCompletionSource ready, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(() => ready.TrySetCanceled(cancellationToken)))
        {
            await ready.Task;
        }
    }
}
