using System.Collections.Concurrent;
using LogBroker.Protocol;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Partitions.Replication;

/// <summary>
/// The fetchers of the partitions this broker follows: one per leader broker, created when a first
/// partition follows it and stopped when the last leaves. A partition is in at most one fetcher.
/// </summary>
public sealed class ReplicaFetcherManager(
    int localBrokerId,
    Func<int, string?> addressOf,
    Func<long> brokerEpoch,
    IReplicaFetchClientFactory clients,
    ReplicaFetcherOptions options,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private int _disposed;

    private readonly ConcurrentDictionary<int, ReplicaFetcher> _fetchers = new();
    private readonly ConcurrentDictionary<TopicPartition, int> _leaderOf = new();
    private readonly Lock _lock = new();

    /// <summary>Follows <paramref name="partition"/> from <paramref name="leaderId"/> under <paramref name="leaderEpoch"/>, truncating first.</summary>
    public void Follow(Partition partition, int leaderId, int leaderEpoch)
    {
        lock (_lock)
        {
            Unfollow(partition.TopicPartition);
            var fetcher = _fetchers.GetOrAdd(leaderId, id => new ReplicaFetcher(id, localBrokerId, addressOf, brokerEpoch, clients, options, loggerFactory.CreateLogger<ReplicaFetcher>()));
            fetcher.Add(partition, leaderEpoch);
            _leaderOf[partition.TopicPartition] = leaderId;
        }
    }

    /// <summary>Stops copying the partition (it leads now, has no leader, or is gone).</summary>
    public void Unfollow(TopicPartition partition)
    {
        lock (_lock)
        {
            if (_leaderOf.TryRemove(partition, out var leader) && _fetchers.TryGetValue(leader, out var fetcher))
            {
                fetcher.Remove(partition);
            }
        }
    }

    /// <summary>Records behind the leader per followed partition, as of each one's last fetch.</summary>
    public IEnumerable<(TopicPartition Partition, long LagRecords)> Lags => _fetchers.Values.SelectMany(f => f.Lags);

    public int FetcherCount => _fetchers.Count;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped by the lifecycle already; the container disposes it again
        }

        foreach (var fetcher in _fetchers.Values)
        {
            await fetcher.DisposeAsync();
        }

        _fetchers.Clear();
    }
}
