using LogBroker.Broker.Cluster;
using LogBroker.Broker.Partitions;
using LogBroker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// Brings the broker's state up before Kestrel accepts connections (opening, and if needed
/// recovering, every log; serving every partition the metadata names) and takes it down after
/// Kestrel has drained (flush, checkpoints, clean-shutdown marker). Hosted services start before the
/// web server and stop after it, which gives exactly that order.
/// </summary>
public sealed class BrokerLifecycle(
    LogManager logs,
    ReplicaManager replicas,
    FetchManager fetches,
    Api.InFlightLimiter inFlight,
    Observability.BrokerMetrics metrics,
    Groups.GroupCoordinator groups,
    BrokerIdentity identity,
    BrokerEndpoints endpoints,
    BrokerOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<BrokerLifecycle> logger) : IHostedService
{
    public bool IsReady { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        replicas.Start();
        await groups.StartAsync(cancellationToken);
        logs.StartBackgroundTasks();
        metrics.ObserveAtScrape(replicas, inFlight, fetches);
        lifetime.ApplicationStopping.Register(() => IsReady = false); // not ready while draining
        lifetime.ApplicationStarted.Register(() =>
        {
            identity.SetAddress(endpoints.GrpcAddress(options));
            IsReady = true;
            logger.LogInformation(
                "LogBroker node {NodeId} of cluster {ClusterId} serving gRPC at {GrpcAddress}, HTTP at {HttpAddress}, data in {DataDirectory} ({Partitions} partition(s))",
                identity.NodeId,
                identity.ClusterId,
                endpoints.GrpcAddress(options),
                endpoints.HttpAddress(options),
                options.DataDirectoryFullPath,
                replicas.Partitions.Count);
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IsReady = false;
        await groups.DisposeAsync();
        await logs.DisposeAsync();
        logger.LogInformation("LogBroker node {NodeId} stopped cleanly", identity.NodeId);
    }
}
