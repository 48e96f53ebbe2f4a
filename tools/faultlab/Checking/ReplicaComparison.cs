using System.Globalization;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// After a clean stop of every broker: each in-sync replica's stored log below the high watermark,
/// compared batch by batch (offsets, size, SHA-256 of every byte) with what the replay was served. With
/// replication, equal to the served log means every in-sync replica is byte-identical to every other;
/// with one broker it checks that what was served is what is stored. A replica out of the in-sync set
/// at the stop is not compared (it may rightly lag or hold a tail it must truncate).
/// </summary>
public static class ReplicaComparison
{
    /// <summary>One replica of one partition, compared.</summary>
    public sealed record Result(int Partition, int NodeId, long BatchesCompared, string? Difference);

    /// <param name="replicaDirectories">Per partition, the in-sync replicas' partition directories by node id.</param>
    public static IReadOnlyList<Result> Compare(IReadOnlyList<ReplayedPartition> served, IReadOnlyDictionary<int, IReadOnlyDictionary<int, string>> replicaDirectories)
    {
        var results = new List<Result>();
        foreach (var partition in served)
        {
            if (!replicaDirectories.TryGetValue(partition.Partition, out var replicas))
            {
                continue;
            }

            foreach (var (node, directory) in replicas.OrderBy(r => r.Key))
            {
                if (!Directory.Exists(directory))
                {
                    results.Add(new Result(partition.Partition, node, 0, $"node {node} has no directory {directory}"));
                    continue;
                }

                var stored = StoredLog.Read(directory, partition.EndOffset);
                results.Add(new Result(partition.Partition, node, Math.Min(stored.Count, partition.Batches.Count), FirstDifference(partition, node, stored)));
            }
        }

        return results;
    }

    /// <summary>Where a replica's stored batches first differ from the served ones, or null when they are identical.</summary>
    public static string? FirstDifference(ReplayedPartition served, int node, IReadOnlyList<StoredLog.StoredBatch> stored)
    {
        var count = Math.Min(served.Batches.Count, stored.Count);
        for (var i = 0; i < count; i++)
        {
            if (served.Batches[i] != stored[i].Fingerprint)
            {
                var s = served.Batches[i];
                var d = stored[i];
                return Invariant($"partition {served.Partition} node {node}: batch {i} differs: served offsets {s.BaseOffset}..{s.NextOffset - 1} ({s.Size} bytes), stored {d.Fingerprint.BaseOffset}..{d.Fingerprint.NextOffset - 1} ({d.Fingerprint.Size} bytes) at {d.File} position {d.Position}");
            }
        }

        if (served.Batches.Count != stored.Count)
        {
            return Invariant($"partition {served.Partition} node {node}: {stored.Count} batch(es) stored below offset {served.EndOffset}, {served.Batches.Count} served");
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
