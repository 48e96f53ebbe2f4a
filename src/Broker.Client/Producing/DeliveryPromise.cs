using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace LogBroker.Client.Producing;

/// <summary>
/// The awaitable behind one <see cref="Producer.ProduceAsync(string, ReadOnlyMemory{byte}?, ReadOnlyMemory{byte}?, IReadOnlyList{LogBroker.Protocol.Batches.RecordHeader}?, long?, CancellationToken)"/>:
/// a pooled <see cref="IValueTaskSource{TResult}"/>, so steady-state producing allocates no task per
/// record. It returns itself to the pool once its result has been read, which a
/// <see cref="ValueTask{TResult}"/> allows exactly once. Continuations run on the thread pool, never on
/// the producer's I/O loop.
/// </summary>
internal sealed class DeliveryPromise : IValueTaskSource<DeliveryResult>
{
    private const int MaxPooled = 1 << 16;
    private static readonly ConcurrentQueue<DeliveryPromise> Pool = new();
    private static int _pooled;
    private ManualResetValueTaskSourceCore<DeliveryResult> _core = new() { RunContinuationsAsynchronously = true };

    public ValueTask<DeliveryResult> Task => new(this, _core.Version);

    public static DeliveryPromise Rent()
    {
        if (Pool.TryDequeue(out var promise))
        {
            Interlocked.Decrement(ref _pooled);
            return promise;
        }

        return new DeliveryPromise();
    }

    public void SetResult(DeliveryResult result) => _core.SetResult(result);

    public void SetException(Exception error) => _core.SetException(error);

    public DeliveryResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            if (Interlocked.Increment(ref _pooled) <= MaxPooled)
            {
                Pool.Enqueue(this);
            }
            else
            {
                Interlocked.Decrement(ref _pooled);
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
