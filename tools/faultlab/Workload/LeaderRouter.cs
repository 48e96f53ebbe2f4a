using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using LogBroker.Faultlab.Hosts;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// For the raw readers (the tail reader and the final replay, which must see batch headers the client
/// does not expose, such as leader epochs): each partition's leader address, from the Metadata service of
/// the first lab broker that answers, cached until <see cref="Invalidate"/>; and one gRPC channel per
/// broker. Every address is checked against the lab's <see cref="TargetGuard"/> before use. Thread-safe.
/// </summary>
public sealed class LeaderRouter(IReadOnlyList<string> bootstrap, string topic, TargetGuard guard) : IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<int, string>? _leaders;

    /// <summary>Leader address per partition that has a leader now; empty when no broker answers.</summary>
    public async Task<IReadOnlyDictionary<int, string>> LeadersAsync(ErrorTally errors, CancellationToken cancellationToken)
    {
        if (_leaders is { } known)
        {
            return known;
        }

        foreach (var address in bootstrap)
        {
            try
            {
                var response = await new LogBroker.Protocol.Grpc.Metadata.MetadataClient(Channel(address)).GetMetadataAsync(
                    new MetadataRequest { Topics = { topic } },
                    deadline: DateTime.UtcNow + MetadataTimeout,
                    cancellationToken: cancellationToken);
                var brokers = response.Brokers.ToDictionary(b => b.NodeId, b => b.Address);
                var leaders = new Dictionary<int, string>();
                foreach (var partition in response.Topics.SelectMany(t => t.Partitions))
                {
                    if (partition.ErrorCode == 0 && brokers.TryGetValue(partition.LeaderId, out var leader))
                    {
                        guard.CheckUrl(new Uri(leader));
                        leaders[partition.Partition] = leader;
                    }
                }

                _leaders = leaders;
                return leaders;
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                errors.Count("raw reader metadata", e.StatusCode.ToString());
            }
        }

        return new Dictionary<int, string>();
    }

    /// <summary>Forgets the leaders: the next call asks the cluster again (after NOT_LEADER, a transport error...).</summary>
    public void Invalidate() => _leaders = null;

    public Fetch.FetchClient FetchClient(string address) => new(Channel(address));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Channel(string address)
    {
        guard.CheckUrl(new Uri(address));
        return _channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3), PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            MaxReceiveMessageSize = null,

            // gRPC backs off reconnecting to a broker that was down up to 120 s by default, failing calls meanwhile
            // ("Error connecting to subchannel"): the readers must see the broker come back, not the backoff.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        }));
    }
}
