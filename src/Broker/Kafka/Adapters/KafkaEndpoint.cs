using System.Net;
using LogBroker.Broker.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LogBroker.Broker.Kafka.Adapters;

/// <summary>
/// The Kafka listener as clients are told to reach it (metadata, coordinators): the advertised host and
/// the bound port (known once Kestrel has started; a configured port of 0 means any free port).
/// </summary>
public sealed class KafkaEndpoint(BrokerOptions options)
{
    internal ListenOptions? Listener { get; set; }

    /// <summary>Whether this broker listens for Kafka clients at all (`--kafka-enabled`).</summary>
    public bool IsEnabled => options.KafkaEnabled;

    /// <summary>host:port as registered with the controller and handed to Kafka clients; empty when the listener is off.</summary>
    public string Advertised => IsEnabled ? $"{Host}:{Port}" : string.Empty;

    public int Port => (Listener?.IPEndPoint ?? throw new InvalidOperationException("the Kafka listener is not configured")).Port;

    /// <summary>The host name put in metadata: the advertised host, else the bind address, else (bound to all interfaces) the machine's name.</summary>
    public string Host
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.AdvertisedHost))
            {
                return options.AdvertisedHost;
            }

            var bind = IPAddress.Parse(options.BindAddress);
            return bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bind.ToString();
        }
    }
}
