namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// Plans the faults of a campaign from a seed: the same seed, broker count, kinds, window and overlap
/// setting always give the same schedule (the random draws are made in a fixed order whatever is kept).
/// Rules: faults of one kind never overlap unless overlap is allowed; two faults that act on the same
/// broker's process or disk never overlap (a pause of a killed process means nothing), nor do two
/// network cuts (one layout at a time); a broker gets <see cref="Settle"/> after a fault before the next
/// one on it. Every fault ends inside the window.
/// </summary>
public static class FaultSchedule
{
    /// <summary>Time left between the end of one fault and the next on the same broker or network.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private const int Attempts = 10_000;

    public static IReadOnlyList<PlannedFault> Plan(int seed, int brokers, IReadOnlyList<FaultKind> kinds, TimeSpan windowStart, TimeSpan windowEnd, bool allowOverlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var usable = kinds.Where(k => brokers >= k.MinimumBrokers()).Distinct().Order().ToList();
        var faults = new List<PlannedFault>();
        if (usable.Count == 0)
        {
            return faults;
        }

        var random = new Random(seed);
        var nodes = Enumerable.Range(1, brokers).ToList();
        var cursor = windowStart;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            cursor += Seconds(random, 0.5, 4);
            var kind = usable[random.Next(usable.Count)];
            var duration = DurationOf(kind, random, brokers);
            var (targets, partition) = TargetsOf(kind, random, nodes);
            if (cursor >= windowEnd)
            {
                break;
            }

            var candidate = new PlannedFault(faults.Count + 1, kind, cursor, duration, targets, partition);
            while (faults.FirstOrDefault(f => Conflicts(f, candidate, allowOverlap)) is { } conflict)
            {
                candidate = candidate with { Start = conflict.End + Settle };
            }

            if (candidate.End <= windowEnd)
            {
                faults.Add(candidate);
            }
        }

        return [.. faults.OrderBy(f => f.Start).ThenBy(f => f.Index).Select((f, i) => f with { Index = i + 1 })];
    }

    /// <summary>Whether <paramref name="b"/> may not run while <paramref name="a"/> does (with <see cref="Settle"/> after <paramref name="a"/>).</summary>
    public static bool Conflicts(PlannedFault a, PlannedFault b, bool allowOverlap) =>
        a.Start < b.End + Settle && b.Start < a.End + Settle && Exclusive(a, b, allowOverlap);

    /// <summary>Whether two faults must never run at the same time, wherever they fall: same kind (unless overlap is allowed), the same broker's process or disk, or two network cuts.</summary>
    public static bool Exclusive(PlannedFault a, PlannedFault b, bool allowOverlap) =>
        (a.Kind == b.Kind && !allowOverlap)
        || (a.Kind.IsNodeFault() && b.Kind.IsNodeFault() && a.Nodes.Intersect(b.Nodes).Any())
        || (a.Kind.IsNetwork() && b.Kind.IsNetwork());

    private static TimeSpan DurationOf(FaultKind kind, Random random, int brokers) => kind switch
    {
        FaultKind.Kill => Seconds(random, 1, 6),
        FaultKind.Pause => Seconds(random, 1, 8),
        FaultKind.DiskFull => Seconds(random, 2, 10),
        FaultKind.Restart => Seconds(random, 4 * brokers, 5 * brokers),
        _ => Seconds(random, 3, 15),
    };

    private static (IReadOnlyList<int> Nodes, NetworkPartition? Partition) TargetsOf(FaultKind kind, Random random, List<int> nodes)
    {
        switch (kind)
        {
            case FaultKind.Restart:
                return (nodes, null);
            case FaultKind.Isolate:
                var isolated = nodes[random.Next(nodes.Count)];
                return ([isolated], NetworkPartition.Isolate(isolated, nodes));
            case FaultKind.Split:
                var shuffled = Shuffled(random, nodes);
                var minority = shuffled[..random.Next(1, ((nodes.Count - 1) / 2) + 1)];
                return ([.. minority.Order()], NetworkPartition.Split(minority, nodes));
            case FaultKind.Bridge:
                var order = Shuffled(random, nodes);
                var left = order[1..(1 + random.Next(1, nodes.Count - 1))];
                var right = order[(1 + left.Count)..];
                return ([order[0]], NetworkPartition.Bridge(left, order[0], right));
            default:
                return ([nodes[random.Next(nodes.Count)]], null);
        }
    }

    private static List<int> Shuffled(Random random, List<int> nodes)
    {
        var copy = nodes.ToArray();
        random.Shuffle(copy);
        return [.. copy];
    }

    /// <summary>Uniform in [min, max), rounded to 0.1 s so schedules print and replay exactly.</summary>
    private static TimeSpan Seconds(Random random, double min, double max) =>
        TimeSpan.FromSeconds(Math.Round(min + (random.NextDouble() * (max - min)), 1));
}
