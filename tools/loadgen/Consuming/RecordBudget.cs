namespace LogBroker.Loadgen.Consuming;

/// <summary>
/// At most this many records, shared by all consumers of a run (consume mode's <c>--count</c>): each
/// record is claimed before it counts, so the total is exact however the consumers interleave. Thread-safe.
/// </summary>
public sealed class RecordBudget(long records)
{
    private long _left = records;
    private readonly TaskCompletionSource _spent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the last record has been claimed.</summary>
    public Task Spent => _spent.Task;

    /// <summary>Claims up to <paramref name="records"/> at once; returns how many were granted (fewer once the budget runs out).</summary>
    public long TryClaim(long records)
    {
        var left = Interlocked.Add(ref _left, -records);
        var before = left + records;
        if (before > 0 && left <= 0)
        {
            _spent.TrySetResult();
        }

        return Math.Clamp(before, 0, records);
    }

    public bool TryClaim()
    {
        var left = Interlocked.Decrement(ref _left);
        if (left == 0)
        {
            _spent.TrySetResult();
        }

        return left >= 0;
    }
}
