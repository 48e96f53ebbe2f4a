namespace LogBroker.Faultlab.Workload;

/// <summary>Events counted per whole second since the campaign started, for the throughput timeline. Thread-safe.</summary>
public sealed class PerSecondCounter
{
    private readonly Lock _lock = new();
    private readonly List<long> _counts = [];

    public void Add(double atSeconds, long count = 1)
    {
        var second = (int)Math.Max(0, atSeconds);
        lock (_lock)
        {
            while (_counts.Count <= second)
            {
                _counts.Add(0);
            }

            _counts[second] += count;
        }
    }

    /// <summary>Count per second, index = second since the start.</summary>
    public IReadOnlyList<long> Snapshot()
    {
        lock (_lock)
        {
            return [.. _counts];
        }
    }
}
