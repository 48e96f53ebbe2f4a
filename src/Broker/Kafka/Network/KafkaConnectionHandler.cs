using LogBroker.Broker.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// Kestrel's entry point for the Kafka listener: each accepted TCP connection becomes a
/// <see cref="KafkaConnection"/> over the transport's pipes. Whatever happens on one connection stays there.
/// </summary>
public sealed class KafkaConnectionHandler(KafkaApiRegistry apis, KafkaListenerLimits limits, BrokerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<KafkaConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        metrics.ConnectionOpened("kafka");
        try
        {
            await new KafkaConnection(connection, apis, limits, metrics, logger, lifetime.ApplicationStopping).RunAsync();
        }
        finally
        {
            metrics.ConnectionClosed("kafka");
        }
    }
}
