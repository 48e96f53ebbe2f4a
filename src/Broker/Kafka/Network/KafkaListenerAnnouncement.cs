using LogBroker.Broker.Kafka.Adapters;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>Logs where Kafka clients reach the broker once the listener is bound (Kestrel's own line calls it http://).</summary>
public sealed class KafkaListenerAnnouncement(KafkaEndpoint endpoint, KafkaApiRegistry apis, IHostApplicationLifetime lifetime, ILogger<KafkaListenerAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "Kafka listener at {Host}:{Port} ({Apis} APIs; bootstrap.servers={Host}:{Port})",
            endpoint.Host,
            endpoint.Port,
            apis.Supported.Count,
            endpoint.Host,
            endpoint.Port));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
