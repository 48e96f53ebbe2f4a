using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// This broker's membership of the cluster (Kafka's BrokerLifecycleManager): registers with the
/// controller once its gRPC address is known, then heartbeats, reporting how far it has applied the
/// metadata log. It holds a <em>lease</em> while it is registered, unfenced, and its last acknowledged
/// heartbeat was sent less than a session timeout ago; a leader refuses writes without it. The
/// controller fences a broker it has not heard from for a session timeout, counted from a later
/// moment (the heartbeat's arrival), so by the time a replacement leader can exist, the old one has
/// stopped taking writes: a frozen (SIGSTOPped) leader that wakes up finds its lease expired.
/// On a stop it first asks to shut down (controlled shutdown) and waits until its leaderships have
/// moved, bounded by a timeout.
/// </summary>
public sealed class BrokerMembership(
    BrokerIdentity identity,
    IController controller,
    MetadataStore store,
    BrokerMembershipOptions options,
    TimeProvider time,
    ILogger<BrokerMembership> logger) : IAsyncDisposable
{
    private int _disposed;

    private readonly CancellationTokenSource _stopping = new();
    private readonly string _incarnation = Guid.NewGuid().ToString("N");
    private readonly TaskCompletionSource _unfenced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private long _brokerEpoch = -1;
    private long _leaseStart = long.MinValue;
    private volatile bool _fenced = true;
    private volatile bool _wantShutDown;
    private volatile bool _mayShutDown;

    /// <summary>The epoch of this process's registration; -1 until registered.</summary>
    public long BrokerEpoch => Interlocked.Read(ref _brokerEpoch);

    public bool IsFenced => _fenced;

    /// <summary>Completes the first time the controller unfences this broker.</summary>
    public Task Unfenced => _unfenced.Task;

    public bool HoldsLease
    {
        get
        {
            var start = Interlocked.Read(ref _leaseStart);
            return !_fenced && start != long.MinValue && time.GetElapsedTime(start) < options.SessionTimeout;
        }
    }

    /// <summary>Registers (and then heartbeats) with this broker's gRPC address and, when on, its Kafka listener's host:port.</summary>
    public void Start(string address, string kafkaEndpoint, bool previousShutdownClean) =>
        _loop = Task.Run(() => RunAsync(address, kafkaEndpoint, previousShutdownClean, _stopping.Token));

    /// <summary>
    /// Controlled shutdown: asks the controller to move this broker's leaderships away and waits until
    /// it says this broker may stop, or <paramref name="timeout"/> passes (a lone or cut-off broker
    /// stops anyway).
    /// </summary>
    public async Task ShutDownAsync(TimeSpan timeout)
    {
        if (BrokerEpoch < 0)
        {
            return;
        }

        _wantShutDown = true;
        var deadline = time.GetTimestamp();
        while (!_mayShutDown && time.GetElapsedTime(deadline) < timeout && !_loop.IsCompleted)
        {
            await Task.Delay(options.HeartbeatInterval / 5, time);
        }

        if (_mayShutDown)
        {
            logger.LogInformation("Controlled shutdown of node {NodeId}: leaderships moved", identity.NodeId);
        }
        else
        {
            logger.LogWarning("Controlled shutdown of node {NodeId} did not complete within {Timeout} ms; stopping anyway", identity.NodeId, timeout.TotalMilliseconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped by the lifecycle already; the container disposes it again
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(string address, string kafkaEndpoint, bool previousShutdownClean, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (BrokerEpoch < 0)
            {
                var registered = await controller.RegisterBrokerAsync(new BrokerRegistrationRequest(identity.NodeId, address, options.Rack, _incarnation, previousShutdownClean, kafkaEndpoint), cancellationToken);
                if (registered.Error != ErrorCode.None)
                {
                    logger.LogInformation("Registration of node {NodeId} refused ({Error}: {Message}); retrying", identity.NodeId, registered.Error, registered.Message);
                    await Task.Delay(options.HeartbeatInterval, time, cancellationToken);
                    continue;
                }

                Interlocked.Exchange(ref _brokerEpoch, registered.BrokerEpoch);
                logger.LogInformation("Node {NodeId} registered with broker epoch {BrokerEpoch}", identity.NodeId, registered.BrokerEpoch);
            }

            var sent = time.GetTimestamp();
            var wantShutDown = _wantShutDown;
            var beat = await controller.HeartbeatAsync(new BrokerHeartbeatRequest(identity.NodeId, BrokerEpoch, store.Image.Offset, wantShutDown), cancellationToken);
            switch (beat.Error)
            {
                case ErrorCode.None:
                    _fenced = beat.IsFenced;
                    Interlocked.Exchange(ref _leaseStart, sent);
                    _mayShutDown = wantShutDown && beat.ShouldShutDown;
                    if (!beat.IsFenced)
                    {
                        _unfenced.TrySetResult();
                    }

                    break;
                case ErrorCode.StaleBrokerEpoch:
                    logger.LogWarning("Node {NodeId}: broker epoch {BrokerEpoch} is no longer current ({Message}); registering again", identity.NodeId, BrokerEpoch, beat.Message);
                    _fenced = true;
                    Interlocked.Exchange(ref _brokerEpoch, -1);
                    continue;
                default:
                    logger.LogDebug("Heartbeat of node {NodeId} failed: {Error} {Message}", identity.NodeId, beat.Error, beat.Message);
                    break;
            }

            await Task.Delay(wantShutDown ? options.HeartbeatInterval / 5 : options.HeartbeatInterval, time, cancellationToken);
        }
    }
}

/// <summary>Heartbeat timing; the session timeout must match the controller's.</summary>
public sealed record BrokerMembershipOptions(TimeSpan HeartbeatInterval, TimeSpan SessionTimeout, string Rack);
