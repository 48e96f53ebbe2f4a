using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// The two listeners, kept so their bound ports can be read once Kestrel has started (a port of 0
/// means "any free port", which tests use).
/// </summary>
public sealed class BrokerEndpoints
{
    internal ListenOptions? Grpc { get; set; }

    internal ListenOptions? Http { get; set; }

    public int GrpcPort => (Grpc?.IPEndPoint ?? throw new InvalidOperationException("gRPC listener not configured")).Port;

    public int HttpPort => (Http?.IPEndPoint ?? throw new InvalidOperationException("HTTP listener not configured")).Port;

    /// <summary>The URL clients use for gRPC, e.g. http://127.0.0.1:9400.</summary>
    public string GrpcAddress(BrokerOptions options) => $"http://{AdvertisedHost(options)}:{GrpcPort}";

    public string HttpAddress(BrokerOptions options) => $"http://{AdvertisedHost(options)}:{HttpPort}";

    private static string AdvertisedHost(BrokerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.AdvertisedHost))
        {
            return options.AdvertisedHost;
        }

        var bind = IPAddress.Parse(options.BindAddress);
        if (bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
        {
            return Dns.GetHostName();
        }

        return bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{bind}]" : bind.ToString();
    }
}
