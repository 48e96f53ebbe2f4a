using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Broker.Cluster.Records;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// The active controller: the cluster's single writer of metadata, running on whichever member leads
/// the metadata quorum (Kafka's QuorumController). Every decision reads the applied image, builds the
/// records that change it, and commits them through the quorum before answering, one operation at a
/// time, so decisions never interleave and never act on a stale image. On other members every call
/// answers NOT_CONTROLLER. A maintenance loop fences brokers whose session expired, elects leaders for
/// leaderless partitions, and moves leadership back to preferred replicas.
/// </summary>
public sealed partial class QuorumController : IController, IAsyncDisposable
{
    private int _disposed;

    private readonly IMetadataQuorum _quorum;
    private readonly MetadataStore _store;
    private readonly TopicConfigResolver _configs;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<QuorumController> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BrokerSessions _sessions;
    private readonly Random _random = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _maintenance = Task.CompletedTask;
    private long _lastRebalance;

    public QuorumController(IMetadataQuorum quorum, MetadataStore store, TopicConfigResolver configs, ControllerOptions options, TimeProvider time, ILogger<QuorumController> logger)
    {
        _quorum = quorum;
        _store = store;
        _configs = configs;
        _options = options;
        _time = time;
        _logger = logger;
        _sessions = new BrokerSessions(time, options.BrokerSessionTimeout);
        _lastRebalance = time.GetTimestamp();
    }

    /// <summary>True while this member is the active controller.</summary>
    public bool IsActive => _quorum.IsLeader;

    public IMetadataQuorum Quorum => _quorum;

    public void Start()
    {
        _quorum.LeadershipChanged += OnLeadershipChanged;
        if (_quorum.IsLeader)
        {
            OnLeadershipChanged(new QuorumLeadership(_quorum.NodeId, _quorum.Term, true));
        }

        _maintenance = Task.Run(MaintainAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped by the lifecycle already; the container disposes it again
        }

        _quorum.LeadershipChanged -= OnLeadershipChanged;
        await _stopping.CancelAsync();
        try
        {
            await _maintenance;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        _gate.Dispose();
    }

    private void OnLeadershipChanged(QuorumLeadership leadership)
    {
        if (!leadership.IsThisMember)
        {
            return;
        }

        var image = _store.Image;
        _sessions.Restart(image.Brokers.Values.Where(b => !b.Fenced).Select(b => (b.NodeId, b.BrokerEpoch)));
        _logger.LogInformation("Node {NodeId} is the active controller in term {Term} (metadata offset {Offset})", _quorum.NodeId, leadership.Term, image.Offset);
    }

    /// <summary>
    /// Runs one decision under the controller's gate: <paramref name="decide"/> reads the image and adds
    /// the records of its change to the list it is given; they are committed as one entry, and
    /// <paramref name="result"/> builds the answer from the entry's offset (the image's, when nothing was written).
    /// </summary>
    private async Task<T> DecideAsync<T>(Func<ClusterImage, List<MetadataRecord>, Func<long, T>> decide, Func<string, T> notController, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_quorum.IsLeader)
            {
                return notController(NotControllerMessage());
            }

            var image = _store.Image;
            var records = new List<MetadataRecord>();
            var result = decide(image, records);
            if (records.Count == 0)
            {
                return result(image.Offset);
            }

            var offset = await _quorum.ReplicateAsync(MetadataRecords.Entry(records), cancellationToken);
            return result(offset);
        }
        catch (NotQuorumLeaderException e)
        {
            return notController(e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string NotControllerMessage() => _quorum.LeaderId is { } leader
        ? $"node {_quorum.NodeId} is not the active controller; node {leader} is"
        : $"node {_quorum.NodeId} is not the active controller and no controller is elected yet";

    private async Task MaintainAsync()
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, _time);
        while (await timer.WaitForNextTickAsync(_stopping.Token))
        {
            if (!_quorum.IsLeader)
            {
                continue;
            }

            try
            {
                await ImportLegacyTopicsAsync(_stopping.Token);
                await FenceExpiredBrokersAsync(_stopping.Token);
                await ElectLeaderlessAsync(_stopping.Token);
                if (_options.AutoLeaderRebalance && _time.GetElapsedTime(_lastRebalance) >= _options.LeaderImbalanceCheckInterval)
                {
                    _lastRebalance = _time.GetTimestamp();
                    await ElectLeadersAsync(ElectionType.Preferred, null, _stopping.Token);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError(e, "Controller maintenance failed; retrying");
            }
        }
    }

    /// <summary>The topic's effective <c>min.insync.replicas</c> and <c>unclean.leader.election.enable</c>.</summary>
    private (int MinInSync, bool Unclean) ReplicationConfig(TopicImage topic)
    {
        var config = _configs.Resolve(topic.ConfigOverrides, topic.Name);
        return (config.MinInSyncReplicas, config.UncleanLeaderElectionEnable);
    }

    private static ErrorCode NotControllerCode => ErrorCode.NotController;
}
