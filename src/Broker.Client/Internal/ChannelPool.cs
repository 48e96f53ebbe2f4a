using System.Collections.Concurrent;
using Grpc.Net.Client;

namespace LogBroker.Client.Internal;

/// <summary>
/// One gRPC channel (HTTP/2 connection pool) per broker address, shared by everything a client does
/// with that broker, and disposed with the client.
/// </summary>
internal sealed class ChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public GrpcChannel For(string address) => _channels.GetOrAdd(address, static a => GrpcChannel.ForAddress(a, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            InitialHttp2StreamWindowSize = 8 * 1024 * 1024,
            ConnectTimeout = TimeSpan.FromSeconds(10),
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
