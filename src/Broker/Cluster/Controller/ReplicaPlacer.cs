using System.Collections.Immutable;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// Where a new partition's replicas go: Kafka's rack-unaware assignment. The first replicas
/// (preferred leaders) go round robin over the brokers from a random start, so leadership spreads
/// evenly; the followers of each partition are shifted by an amount that grows every full round, so
/// the same pairs of brokers do not always back each other up.
/// </summary>
public static class ReplicaPlacer
{
    /// <summary>
    /// Replica lists for partitions <paramref name="firstPartition"/> .. +<paramref name="count"/>-1 over
    /// <paramref name="brokers"/> (ids of the brokers that may take replicas, any order).
    /// <paramref name="replicationFactor"/> must be from 1 to the number of brokers.
    /// </summary>
    public static IReadOnlyList<ImmutableArray<int>> Place(IReadOnlyCollection<int> brokers, int firstPartition, int count, int replicationFactor, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, brokers.Count);
        var sorted = brokers.Order().ToArray();
        var n = sorted.Length;
        var start = random.Next(n);
        var shift = random.Next(n);
        var result = new List<ImmutableArray<int>>(count);
        for (var i = 0; i < count; i++)
        {
            var p = firstPartition + i;
            if (p > 0 && p % n == 0)
            {
                shift++;
            }

            var first = (p + start) % n;
            var replicas = ImmutableArray.CreateBuilder<int>(replicationFactor);
            replicas.Add(sorted[first]);
            for (var j = 0; j < replicationFactor - 1; j++)
            {
                replicas.Add(sorted[FollowerIndex(first, shift, j, n)]);
            }

            result.Add(replicas.MoveToImmutable());
        }

        return result;
    }

    private static int FollowerIndex(int first, int shift, int j, int n)
    {
        var step = 1 + ((shift + j) % (n - 1));
        return (first + step) % n;
    }
}
