using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// acks=all produces waiting for the high watermark to pass their last offset (Kafka's delayed
/// produce purgatory, per partition): completed when it does, or failed when the replica stops
/// leading or the ISR becomes too small. Event-driven: whoever moves the high watermark completes
/// them; nothing polls. Thread-safe.
/// </summary>
internal sealed class PendingAcks
{
    private readonly Lock _lock = new();
    private readonly List<(long EndOffset, TaskCompletionSource<ErrorCode> Done)> _waiting = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Waits until the high watermark reaches <paramref name="endOffset"/> (the batch's last offset + 1).
    /// <paramref name="highWatermark"/> is read after registering, so a high watermark published just
    /// before (whose completion pass may have run already) still completes this at once.
    /// </summary>
    public Task<ErrorCode> Add(long endOffset, Func<long> highWatermark)
    {
        var done = new TaskCompletionSource<ErrorCode>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((endOffset, done));
            if (highWatermark() >= endOffset)
            {
                _waiting.RemoveAt(_waiting.Count - 1);
                done.TrySetResult(ErrorCode.None);
            }
        }

        return done.Task;
    }

    /// <summary>Completes every wait the high watermark has reached. Call after publishing it.</summary>
    public void Complete(long highWatermark)
    {
        lock (_lock)
        {
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (_waiting[i].EndOffset <= highWatermark)
                {
                    _waiting[i].Done.TrySetResult(ErrorCode.None);
                    _waiting.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Fails every wait with <paramref name="error"/> (leadership lost, ISR too small).</summary>
    public void FailAll(ErrorCode error)
    {
        lock (_lock)
        {
            foreach (var (_, done) in _waiting)
            {
                done.TrySetResult(error);
            }

            _waiting.Clear();
        }
    }
}
