using System.Collections.Concurrent;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Partitions.Replication;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// The partition replicas this broker hosts. It follows the metadata image: for every partition with
/// a replica here it opens the log and makes the replica leader or follower as the image says
/// (starting or stopping its fetch from the leader), applies config changes, and deletes the replicas
/// of deleted topics. Looked up on every produce and fetch. Also runs the leader's periodic ISR check.
/// </summary>
public sealed class ReplicaManager : IAsyncDisposable
{
    private int _disposed;

    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly LogManager _logs;
    private readonly MetadataStore _metadata;
    private readonly TopicConfigResolver _configs;
    private readonly PartitionContext _context;
    private readonly ReplicaFetcherManager _fetchers;
    private readonly ILogger<ReplicaManager> _logger;
    private readonly Lock _applyLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _isrCheck = Task.CompletedTask;
    private long _isrShrinks;

    public ReplicaManager(LogManager logs, MetadataStore metadata, TopicConfigResolver configs, PartitionContext context, ReplicaFetcherManager fetchers, ILogger<ReplicaManager> logger)
    {
        _logs = logs;
        _metadata = metadata;
        _configs = configs;
        _context = context;
        _fetchers = fetchers;
        _logger = logger;
    }

    public int LocalBrokerId => _context.LocalBrokerId;

    /// <summary>
    /// Raised on the metadata thread after a replica here starts (true) or stops (false) leading: the
    /// group coordinator loads or unloads the groups of its __consumer_offsets partitions. Handlers must not block.
    /// </summary>
    public event Action<Partition, bool>? LeadershipChanged;

    public ICollection<Partition> Partitions => _partitions.Values;

    public ReplicaFetcherManager Fetchers => _fetchers;

    /// <summary>Times a lagging follower was found and an ISR shrink asked for.</summary>
    public long IsrShrinksRequested => Interlocked.Read(ref _isrShrinks);

    /// <summary>Follows the metadata from now on (applying the image as it is first) and starts the ISR check.</summary>
    public void Start()
    {
        var image = _metadata.AddListener(Apply);
        Apply(new MetadataChange(ClusterImage.Empty, image));
        _isrCheck = Task.Run(CheckIsrAsync);
    }

    public bool TryGetPartition(TopicPartition topicPartition, out Partition partition) =>
        _partitions.TryGetValue(topicPartition, out partition!);

    /// <summary>The partition, or the error to report with a message that says which part is unknown.</summary>
    public PartitionLookup Lookup(string topic, int partition)
    {
        if (_partitions.TryGetValue(new TopicPartition(topic, partition), out var found))
        {
            return new PartitionLookup(found, ErrorCode.None, null);
        }

        if (!TopicName.IsValid(topic, out var invalid))
        {
            return new PartitionLookup(null, ErrorCode.InvalidTopicException, invalid);
        }

        if (!_metadata.Topics.TryGetValue(topic, out var spec))
        {
            return new PartitionLookup(null, ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' does not exist");
        }

        if (!spec.TryGetPartition(partition, out var image))
        {
            return new PartitionLookup(null, ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' has {spec.PartitionCount} partition(s); partition {partition} does not exist");
        }

        return new PartitionLookup(null, ErrorCode.NotLeaderOrFollower, image.HasLeader
            ? $"node {LocalBrokerId} has no replica of {topic}-{partition}; node {image.Leader} leads it"
            : $"{topic}-{partition} has no leader right now");
    }

    /// <summary>The partition's leader and leader epoch as the metadata image has them; (-1, -1) when unknown.</summary>
    public (int LeaderId, int LeaderEpoch) LeaderOf(TopicPartition topicPartition) =>
        _metadata.Image.TryGetPartition(topicPartition, out var partition) ? (partition.Leader, partition.LeaderEpoch) : (-1, -1);

    /// <summary>
    /// Deletes logs whose partition the (caught-up) image no longer places here: topics deleted, or
    /// partitions moved, while this broker was down.
    /// </summary>
    public void DeleteStrayLogs()
    {
        var image = _metadata.Image;
        foreach (var log in _logs.Logs.ToArray())
        {
            var tp = log.TopicPartition;
            if (!image.TryGetPartition(tp, out var partition) || !partition.IsReplica(LocalBrokerId))
            {
                _logger.LogWarning("Deleting log {TopicPartition}: the metadata places no replica of it on node {NodeId}", tp, LocalBrokerId);
                RemoveReplica(tp);
                _logs.DeleteLog(tp);
            }
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
            await _isrCheck;
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var partition in _partitions.Values)
        {
            partition.Dispose();
        }

        _stopping.Dispose();
    }

    private void Apply(MetadataChange change)
    {
        lock (_applyLock)
        {
            foreach (var (name, topic) in change.Current.Topics)
            {
                var previous = change.Previous.Topics.GetValueOrDefault(name);
                if (previous is not null && previous.TopicId != topic.TopicId)
                {
                    DeleteReplicas(previous);
                    previous = null;
                }

                if (ReferenceEquals(previous, topic))
                {
                    continue;
                }

                var configChanged = previous is not null && !ReferenceEquals(previous.ConfigOverrides, topic.ConfigOverrides);
                var config = _configs.Resolve(topic);
                foreach (var partition in topic.Partitions)
                {
                    var tp = new TopicPartition(name, partition.Partition);
                    var before = previous is not null && previous.TryGetPartition(partition.Partition, out var p) ? p : null;
                    if (!partition.IsReplica(LocalBrokerId))
                    {
                        if (before is not null && before.IsReplica(LocalBrokerId))
                        {
                            RemoveReplica(tp);
                            _logs.DeleteLog(tp);
                        }

                        continue;
                    }

                    var replica = _partitions.GetOrAdd(tp, key => new Partition(key, _logs.GetOrCreateLog(key, config), _context));
                    if (configChanged)
                    {
                        replica.Log.UpdateConfig(config);
                    }

                    if (!ReferenceEquals(before, partition))
                    {
                        Act(replica, partition, replica.Apply(partition));
                    }
                }
            }

            foreach (var (name, previous) in change.Previous.Topics)
            {
                if (!change.Current.Topics.ContainsKey(name))
                {
                    DeleteReplicas(previous);
                }
            }
        }
    }

    private void Act(Partition replica, PartitionImage image, RoleChange change)
    {
        switch (change)
        {
            case RoleChange.BecameLeader:
                _fetchers.Unfollow(replica.TopicPartition);
                LeadershipChanged?.Invoke(replica, true);
                _logger.LogInformation("{TopicPartition}: leading at epoch {LeaderEpoch}, ISR [{Isr}], log end {LogEnd}, high watermark {HighWatermark}", replica.TopicPartition, image.LeaderEpoch, string.Join(',', image.Isr), replica.Log.LogEndOffset, replica.Log.HighWatermark);
                break;
            case RoleChange.BecameFollower:
                LeadershipChanged?.Invoke(replica, false);
                _fetchers.Follow(replica, image.Leader, image.LeaderEpoch);
                _logger.LogInformation("{TopicPartition}: following node {Leader} at epoch {LeaderEpoch}", replica.TopicPartition, image.Leader, image.LeaderEpoch);
                break;
            case RoleChange.Stopped:
                LeadershipChanged?.Invoke(replica, false);
                _fetchers.Unfollow(replica.TopicPartition);
                _logger.LogInformation("{TopicPartition}: no leader (epoch {LeaderEpoch}); this replica waits", replica.TopicPartition, image.LeaderEpoch);
                break;
        }
    }

    private void DeleteReplicas(TopicImage topic)
    {
        foreach (var partition in topic.Partitions)
        {
            var tp = new TopicPartition(topic.Name, partition.Partition);
            RemoveReplica(tp);
            _logs.DeleteLog(tp);
        }
    }

    private void RemoveReplica(TopicPartition tp)
    {
        _fetchers.Unfollow(tp);
        if (_partitions.TryRemove(tp, out var partition))
        {
            partition.Dispose(); // waiting fetches look again and find it gone; waiting produces fail
            LeadershipChanged?.Invoke(partition, false);
        }
    }

    /// <summary>Kafka's ISR expiration task: leaders look for followers that lag too long, every half of the limit.</summary>
    private async Task CheckIsrAsync()
    {
        using var timer = new PeriodicTimer(_context.ReplicaLagTimeMax / 2, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                foreach (var partition in _partitions.Values)
                {
                    if (partition.HasLaggingInSyncFollower())
                    {
                        Interlocked.Increment(ref _isrShrinks);
                        _context.IsrChangeWanted(partition);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
