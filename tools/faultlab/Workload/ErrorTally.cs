using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// Failed requests of the campaign counted by where they failed (a producer's retry, a delivery that
/// failed for good, a heartbeat, a fetch of the tail reader...) and by error code (Kafka's numbering,
/// named). Rare next to successes, so one lock is enough. Thread-safe.
/// </summary>
public sealed class ErrorTally
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Source, string Code), long> _counts = [];

    public void Count(string source, ErrorCode code) => Count(source, code.ToString());

    public void Count(string source, string code)
    {
        lock (_lock)
        {
            _counts[(source, code)] = _counts.GetValueOrDefault((source, code)) + 1;
        }
    }

    /// <summary>Every (source, code, count), by source then code.</summary>
    public IReadOnlyList<ErrorCount> Snapshot()
    {
        lock (_lock)
        {
            return [.. _counts.OrderBy(kv => kv.Key.Source, StringComparer.Ordinal).ThenBy(kv => kv.Key.Code, StringComparer.Ordinal).Select(kv => new ErrorCount(kv.Key.Source, kv.Key.Code, kv.Value))];
        }
    }
}
