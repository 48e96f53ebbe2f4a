using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>
/// Computes a group's target assignment: balanced (member loads differ by at most one wherever
/// subscriptions allow) and sticky (a member keeps what it had unless balance needs it elsewhere).
/// Deterministic for the same input. Steps: keep each member's current partitions it is still
/// subscribed to; give every unassigned partition to the least-loaded subscribed member; then move
/// partitions from the most to the least loaded member while that narrows the gap.
/// </summary>
public static class UniformAssignor
{
    /// <param name="subscriptions">Each member's subscribed partitions.</param>
    /// <param name="current">Each member's current assignment (stickiness).</param>
    public static Dictionary<string, HashSet<TopicPartition>> Assign(
        IReadOnlyDictionary<string, IReadOnlySet<TopicPartition>> subscriptions,
        IReadOnlyDictionary<string, IReadOnlySet<TopicPartition>> current)
    {
        var members = subscriptions.Keys.Order(StringComparer.Ordinal).ToList();
        var result = members.ToDictionary(m => m, _ => new HashSet<TopicPartition>(), StringComparer.Ordinal);
        var owner = new Dictionary<TopicPartition, string>();

        // 1. stickiness: keep what is still subscribed and not claimed twice
        foreach (var member in members)
        {
            if (!current.TryGetValue(member, out var had))
            {
                continue;
            }

            foreach (var p in had.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition))
            {
                if (subscriptions[member].Contains(p) && owner.TryAdd(p, member))
                {
                    result[member].Add(p);
                }
            }
        }

        // 2. every other subscribed partition to the least-loaded member subscribed to it
        var all = subscriptions.Values.SelectMany(s => s).Distinct().OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition).ToList();
        foreach (var p in all)
        {
            if (owner.ContainsKey(p))
            {
                continue;
            }

            var target = LeastLoaded(members, result, m => subscriptions[m].Contains(p));
            if (target is not null)
            {
                result[target].Add(p);
                owner[p] = target;
            }
        }

        // 3. balance: move from the most to the least loaded while the gap is over one
        var moved = true;
        while (moved)
        {
            moved = false;
            foreach (var heavy in members.OrderByDescending(m => result[m].Count).ThenBy(m => m, StringComparer.Ordinal))
            {
                var candidate = result[heavy]
                    .OrderByDescending(p => p.Topic, StringComparer.Ordinal).ThenByDescending(p => p.Partition)
                    .Select(p => (Partition: p, To: LeastLoaded(members, result, m => subscriptions[m].Contains(p) && result[m].Count + 1 < result[heavy].Count)))
                    .FirstOrDefault(c => c.To is not null);
                if (candidate.To is not null)
                {
                    result[heavy].Remove(candidate.Partition);
                    result[candidate.To].Add(candidate.Partition);
                    moved = true;
                    break;
                }
            }
        }

        return result;
    }

    private static string? LeastLoaded(List<string> members, Dictionary<string, HashSet<TopicPartition>> result, Func<string, bool> eligible)
    {
        string? best = null;
        foreach (var member in members)
        {
            if (eligible(member) && (best is null || result[member].Count < result[best].Count))
            {
                best = member;
            }
        }

        return best;
    }
}
