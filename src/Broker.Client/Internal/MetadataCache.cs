using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Internal;

/// <summary>
/// The client's view of the cluster: brokers by node id and, per topic, each partition's leader.
/// Filled on demand from any reachable broker (bootstrap addresses first, then known brokers) and
/// refreshed when a broker says it is not the leader or the topic is unknown, and in the background
/// once a route is older than the max age. Thread-safe.
/// </summary>
internal sealed class MetadataCache(ChannelPool channels, IReadOnlyList<Uri> bootstrap, TimeSpan requestTimeout, TimeSpan maxAge)
{
    private readonly ConcurrentDictionary<string, TopicRoute> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _brokers = new();
    private readonly ConcurrentDictionary<string, byte> _refreshing = new(StringComparer.Ordinal);

    public string ClusterId { get; private set; } = string.Empty;

    /// <summary>The topic's route, fetched if not cached; UNKNOWN_TOPIC_OR_PARTITION if the cluster does not have it.</summary>
    public async ValueTask<TopicRoute> GetTopicAsync(string topic, CancellationToken cancellationToken)
    {
        if (_topics.TryGetValue(topic, out var route))
        {
            if (Stopwatch.GetElapsedTime(route.FetchedTicks) > maxAge)
            {
                RefreshInBackground(topic); // the old route serves until the new one arrives
            }

            return route;
        }

        await RefreshAsync([topic], cancellationToken);
        return _topics.TryGetValue(topic, out route)
            ? route
            : throw new LogBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' does not exist");
    }

    public void Invalidate(string topic) => _topics.TryRemove(topic, out _);

    /// <summary>The gRPC address of the partition's leader, refreshing metadata if it is not known.</summary>
    public async ValueTask<string> LeaderAddressAsync(TopicPartition partition, CancellationToken cancellationToken)
    {
        var route = await GetTopicAsync(partition.Topic, cancellationToken);
        if (partition.Partition < 0 || partition.Partition >= route.PartitionCount)
        {
            throw new LogBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic '{partition.Topic}' has {route.PartitionCount} partition(s); partition {partition.Partition} does not exist");
        }

        var leader = route.Leaders[partition.Partition];
        if (leader < 0 || !_brokers.TryGetValue(leader, out var address))
        {
            Invalidate(partition.Topic);
            throw new LogBrokerException(ErrorCode.LeaderNotAvailable, $"{partition} has no leader right now");
        }

        return address;
    }

    /// <summary>The cached leader address of a partition, without asking the cluster.</summary>
    public bool TryGetLeaderAddress(TopicPartition partition, out string address)
    {
        address = string.Empty;
        return _topics.TryGetValue(partition.Topic, out var route)
            && partition.Partition >= 0
            && partition.Partition < route.PartitionCount
            && route.Leaders[partition.Partition] >= 0
            && _brokers.TryGetValue(route.Leaders[partition.Partition], out address!);
    }

    /// <summary>An address to send cluster-wide requests to (admin): a known broker, else the first bootstrap.</summary>
    public string AnyBrokerAddress() => _brokers.Values.FirstOrDefault() ?? bootstrap[0].ToString().TrimEnd('/');

    public IReadOnlyDictionary<int, string> Brokers => _brokers;

    /// <summary>Fetches metadata for <paramref name="topics"/> (all topics when null) from the first broker that answers.</summary>
    public async Task<MetadataResponse> RefreshAsync(IReadOnlyCollection<string>? topics, CancellationToken cancellationToken)
    {
        var request = new MetadataRequest { AllTopics = topics is null };
        if (topics is not null)
        {
            request.Topics.AddRange(topics);
        }

        LogBrokerException? last = null;
        foreach (var address in CandidateAddresses())
        {
            try
            {
                var client = new LogBroker.Protocol.Grpc.Metadata.MetadataClient(channels.For(address));
                var response = await client.GetMetadataAsync(request, deadline: DateTime.UtcNow + requestTimeout, cancellationToken: cancellationToken);
                Apply(response);
                return response;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the caller cancelled", e, cancellationToken);
            }
            catch (RpcException e)
            {
                last = e.ToLogBroker(address);
            }
            catch (HttpRequestException e)
            {
                last = e.ToLogBroker(address);
            }
        }

        throw last ?? new LogBrokerException(ErrorCode.NetworkException, "no broker address to ask for metadata");
    }

    private void RefreshInBackground(string topic)
    {
        if (!_refreshing.TryAdd(topic, 0))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync([topic], CancellationToken.None);
            }
            catch (LogBrokerException)
            {
                // unreachable for now: the old route stays, and the next use tries again
            }
            finally
            {
                _refreshing.TryRemove(topic, out _);
            }
        });
    }

    private IEnumerable<string> CandidateAddresses() =>
        bootstrap.Select(u => u.ToString().TrimEnd('/')).Concat(_brokers.Values).Distinct(StringComparer.Ordinal);

    private void Apply(MetadataResponse response)
    {
        ClusterId = response.ClusterId;
        foreach (var broker in response.Brokers)
        {
            _brokers[broker.NodeId] = broker.Address;
        }

        foreach (var topic in response.Topics)
        {
            if (topic.ErrorCode != 0)
            {
                _topics.TryRemove(topic.Name, out _);
                continue;
            }

            var leaders = new int[topic.Partitions.Count];
            foreach (var p in topic.Partitions)
            {
                if (p.Partition >= 0 && p.Partition < leaders.Length)
                {
                    leaders[p.Partition] = p.ErrorCode == 0 ? p.LeaderId : -1;
                }
            }

            _topics[topic.Name] = new TopicRoute(topic.Name, leaders.Length, leaders, Stopwatch.GetTimestamp());
        }
    }
}
