namespace LogBroker.Faultlab.Workload;

/// <summary>
/// Broken promises seen while reading, counted by kind (<see cref="Violations"/>), with the first few
/// occurrences described for the report. Thread-safe.
/// </summary>
public sealed class ViolationLog
{
    private const int ExamplesKept = 5;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Count, List<string> Examples)> _byKind = new(StringComparer.Ordinal);

    public void Add(string kind, string example)
    {
        lock (_lock)
        {
            if (!_byKind.TryGetValue(kind, out var entry))
            {
                entry = (0, []);
            }

            if (entry.Examples.Count < ExamplesKept)
            {
                entry.Examples.Add(example);
            }

            _byKind[kind] = (entry.Count + 1, entry.Examples);
        }
    }

    public long Count(string kind)
    {
        lock (_lock)
        {
            return _byKind.TryGetValue(kind, out var entry) ? entry.Count : 0;
        }
    }

    public IReadOnlyList<string> Examples(string kind)
    {
        lock (_lock)
        {
            return _byKind.TryGetValue(kind, out var entry) ? [.. entry.Examples] : [];
        }
    }
}
