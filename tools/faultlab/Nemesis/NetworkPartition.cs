namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// Which brokers cannot reach which: a set of unordered pairs (node ids from 1) whose traffic is dropped
/// both ways. Clients outside the brokers' network (faultlab itself) still reach every broker, as
/// Jepsen's clients do. Immutable.
/// </summary>
public sealed class NetworkPartition
{
    private readonly HashSet<(int, int)> _blocked;

    private NetworkPartition(string description, IEnumerable<(int A, int B)> blocked)
    {
        Description = description;
        _blocked = [.. blocked.Select(p => Ordered(p.A, p.B))];
    }

    /// <summary>How a person reads it: "isolate 2 | 1 3", "split 1 | 2 3", "bridge 1 - 2 - 3".</summary>
    public string Description { get; }

    /// <summary>Blocked pairs, smaller node first, sorted.</summary>
    public IReadOnlyList<(int A, int B)> BlockedPairs => [.. _blocked.Order()];

    /// <summary><paramref name="node"/> cut off from every other node of <paramref name="nodes"/>.</summary>
    public static NetworkPartition Isolate(int node, IReadOnlyList<int> nodes)
    {
        Require(nodes.Contains(node) && nodes.Count >= 2, "isolating a node needs it and at least one other");
        var others = nodes.Where(n => n != node).ToList();
        return new NetworkPartition($"isolate {node} | {Join(others)}", others.Select(o => (node, o)));
    }

    /// <summary>The <paramref name="minority"/> on one side, every other node of <paramref name="nodes"/> on the other.</summary>
    public static NetworkPartition Split(IReadOnlyList<int> minority, IReadOnlyList<int> nodes)
    {
        var majority = nodes.Except(minority).ToList();
        Require(minority.Count >= 1 && minority.All(nodes.Contains) && minority.Count < majority.Count, "a split needs a non-empty minority smaller than the majority");
        return new NetworkPartition($"split {Join(minority)} | {Join(majority)}", Across(minority, majority));
    }

    /// <summary>
    /// <paramref name="left"/> and <paramref name="right"/> cannot see each other; <paramref name="bridge"/>
    /// sees both (Jepsen's bridge: with three nodes, A–B–C where A and C are apart).
    /// </summary>
    public static NetworkPartition Bridge(IReadOnlyList<int> left, int bridge, IReadOnlyList<int> right)
    {
        Require(left.Count >= 1 && right.Count >= 1 && !left.Contains(bridge) && !right.Contains(bridge) && !left.Intersect(right).Any(), "a bridge needs two disjoint non-empty sides and a node on neither");
        return new NetworkPartition($"bridge {Join(left)} - {bridge} - {Join(right)}", Across(left, right));
    }

    public bool Blocks(int a, int b) => _blocked.Contains(Ordered(a, b));

    /// <summary>The nodes <paramref name="node"/> cannot reach, ascending.</summary>
    public IReadOnlyList<int> BlockedPeersOf(int node) =>
        [.. _blocked.Where(p => p.Item1 == node || p.Item2 == node).Select(p => p.Item1 == node ? p.Item2 : p.Item1).Order()];

    public override string ToString() => Description;

    private static IEnumerable<(int, int)> Across(IReadOnlyList<int> one, IReadOnlyList<int> other) =>
        one.SelectMany(a => other.Select(b => (a, b)));

    private static (int, int) Ordered(int a, int b) => a < b ? (a, b) : (b, a);

    private static string Join(IEnumerable<int> nodes) => string.Join(' ', nodes.Order());

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
