using System.Collections.Concurrent;
using Grpc.Net.Client;

namespace LogBroker.Broker.Api;

/// <summary>
/// This broker's gRPC channels to other brokers (followers to leaders, brokers to the controller),
/// one per address, kept for the process's life and disposed with it.
/// </summary>
public sealed class BrokerChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public GrpcChannel For(string address) => _channels.GetOrAdd(address, static a => GrpcChannel.ForAddress(a, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        },
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    }));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }
}
