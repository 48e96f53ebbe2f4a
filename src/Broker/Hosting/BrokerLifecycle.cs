using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Broker.Partitions;
using LogBroker.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// Brings the broker's state up before Kestrel accepts connections and takes it down after Kestrel
/// has drained. Start: every log opened (and if needed recovered); the replica manager listening to
/// the metadata image; the quorum member started (replaying the metadata log into the image, so
/// replicas take their roles); the controller ready to act when this member leads. Once Kestrel has
/// bound its port, the broker registers with the controller and heartbeats; it is ready when first
/// unfenced. Stop: first a controlled shutdown (leaderships move away while this broker still
/// answers), then, after Kestrel drained, everything in reverse: flush, checkpoints, clean-shutdown marker.
/// </summary>
public sealed class BrokerLifecycle(
    LogManager logs,
    ReplicaManager replicas,
    FetchManager fetches,
    IMetadataQuorum quorum,
    MetadataStore metadata,
    QuorumController controller,
    BrokerMembership membership,
    IsrChangeSender isrChanges,
    Api.InFlightLimiter inFlight,
    Observability.BrokerMetrics metrics,
    Groups.GroupCoordinator groups,
    Groups.GroupStore groupStore,
    BrokerIdentity identity,
    BrokerEndpoints endpoints,
    Kafka.Adapters.KafkaEndpoint kafkaEndpoint,
    BrokerOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<BrokerLifecycle> logger) : IHostedLifecycleService
{
    private volatile bool _stopping;

    private volatile bool _groupsReady;

    /// <summary>
    /// Serving: unfenced by the controller (so caught up with the metadata), __consumer_offsets created
    /// or at least asked for, and the groups of every offsets partition led here loaded.
    /// </summary>
    public bool IsReady => _groupsReady && membership.Unfenced.IsCompleted && groupStore.IsLoaded && !_stopping;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        replicas.Start();
        await quorum.StartAsync(cancellationToken);
        controller.Start();
        await groups.StartAsync(cancellationToken);
        logs.StartBackgroundTasks();
        metrics.ObserveAtScrape(replicas, inFlight, fetches, quorum, membership, metadata);
        lifetime.ApplicationStopping.Register(() => _stopping = true); // not ready while draining
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = endpoints.GrpcAddress(options);
            identity.SetAddress(address);
            membership.Start(address, kafkaEndpoint.Advertised, logs.HadCleanShutdown);
            _ = membership.Unfenced.ContinueWith(
                async _ =>
                {
                    // Caught up with the metadata: logs it no longer places here are leftovers.
                    replicas.DeleteStrayLogs();

                    // Groups need __consumer_offsets; it is created as soon as enough brokers are live
                    // for its replication factor (else on the first FindCoordinator).
                    await groups.EnsureOffsetsTopicAsync(CancellationToken.None);
                    _groupsReady = true;
                    logger.LogInformation(
                        "LogBroker node {NodeId} of cluster {ClusterId} serving gRPC at {GrpcAddress}, HTTP at {HttpAddress}, data in {DataDirectory} ({Partitions} replica(s), quorum of {Voters})",
                        identity.NodeId,
                        identity.ClusterId,
                        address,
                        endpoints.HttpAddress(options),
                        options.DataDirectoryFullPath,
                        replicas.Partitions.Count,
                        options.Voters().Count);
                },
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
        });
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before Kestrel stops: hand leaderships over while clients can still be told where they went.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await membership.ShutDownAsync(TimeSpan.FromMilliseconds(options.ControlledShutdownTimeoutMs));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await membership.DisposeAsync();
        await groups.DisposeAsync();
        await isrChanges.DisposeAsync();
        await replicas.Fetchers.DisposeAsync();
        await controller.DisposeAsync();
        await quorum.DisposeAsync();
        await replicas.DisposeAsync();
        await logs.DisposeAsync();
        logger.LogInformation("LogBroker node {NodeId} stopped cleanly", identity.NodeId);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
