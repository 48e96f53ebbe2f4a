using LogBroker.Protocol.Errors;

namespace LogBroker.Loadgen.Metrics;

/// <summary>
/// What went wrong during a run: failed records and calls counted by error code, and problems that are
/// not one record's fault (a worker that stopped, consumers that never caught up) as sentences. Rare by
/// nature, so a lock is fine. Thread-safe.
/// </summary>
public sealed class ErrorTally
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ErrorCode, long> _byCode = [];
    private readonly List<string> _problems = [];

    public void Count(ErrorCode code, long times = 1)
    {
        lock (_lock)
        {
            _byCode[code] = _byCode.GetValueOrDefault(code) + times;
        }
    }

    public void AddProblem(string problem)
    {
        lock (_lock)
        {
            _problems.Add(problem);
        }
    }

    public bool Any
    {
        get
        {
            lock (_lock)
            {
                return _byCode.Count > 0 || _problems.Count > 0;
            }
        }
    }

    /// <summary>Counts by error name (Kafka's numbering, named), sorted by name.</summary>
    public SortedDictionary<string, long> ByCode()
    {
        lock (_lock)
        {
            return new SortedDictionary<string, long>(_byCode.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<string> Problems()
    {
        lock (_lock)
        {
            return [.. _problems];
        }
    }
}
