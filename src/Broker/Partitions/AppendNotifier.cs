namespace LogBroker.Broker.Partitions;

/// <summary>
/// Wakes everyone waiting for new data in a partition, without polling. A waiter takes
/// <see cref="WaitAsync"/> <em>before</em> checking for data, then awaits it: an append between the check
/// and the await still completes the task it holds. The task exists only while someone waits, so an
/// append with no waiter allocates nothing.
/// </summary>
public sealed class AppendNotifier
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiters;

    public Task WaitAsync()
    {
        lock (_lock)
        {
            _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }

    public void Notify()
    {
        TaskCompletionSource? waiters;
        lock (_lock)
        {
            waiters = _waiters;
            _waiters = null;
        }

        waiters?.TrySetResult();
    }
}
