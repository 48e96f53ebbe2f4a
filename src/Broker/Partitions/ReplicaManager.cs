using System.Collections.Concurrent;
using LogBroker.Broker.Cluster;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// The partitions this broker hosts. It follows the metadata store: every topic change the store
/// publishes is applied here (partitions created, deleted, reconfigured), as a broker applies the
/// metadata log. Looked up on every produce and fetch.
/// </summary>
public sealed class ReplicaManager
{
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly LogManager _logs;
    private readonly MetadataStore _metadata;
    private readonly TopicConfigResolver _configs;
    private readonly BrokerIdentity _identity;
    private readonly ILogger<ReplicaManager> _logger;

    public ReplicaManager(LogManager logs, MetadataStore metadata, TopicConfigResolver configs, BrokerIdentity identity, ILogger<ReplicaManager> logger)
    {
        _logs = logs;
        _metadata = metadata;
        _configs = configs;
        _identity = identity;
        _logger = logger;
    }

    public ICollection<Partition> Partitions => _partitions.Values;

    /// <summary>
    /// Starts serving every partition the metadata names, removes logs the metadata no longer has (a
    /// topic deleted just before a stop), then follows later changes.
    /// </summary>
    public void Start()
    {
        var topics = _metadata.Topics;
        foreach (var topic in topics.Values)
        {
            CreatePartitions(topic, 0);
        }

        foreach (var log in _logs.Logs.ToArray())
        {
            var tp = log.TopicPartition;
            if (!topics.TryGetValue(tp.Topic, out var spec) || tp.Partition >= spec.PartitionCount)
            {
                _logger.LogWarning("Deleting log {TopicPartition}: its topic or partition is not in the metadata", tp);
                _logs.DeleteLog(tp);
            }
        }

        _metadata.AddListener(Apply);
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

        var message = _metadata.Topics.TryGetValue(topic, out var spec)
            ? $"topic '{topic}' has {spec.PartitionCount} partition(s); partition {partition} does not exist"
            : $"topic '{topic}' does not exist";
        return new PartitionLookup(null, ErrorCode.UnknownTopicOrPartition, message);
    }

    private void Apply(MetadataChange change)
    {
        foreach (var (name, topic) in change.Current)
        {
            var previous = change.Previous.GetValueOrDefault(name);
            if (previous is null || previous.TopicId != topic.TopicId)
            {
                if (previous is not null)
                {
                    DeletePartitions(previous);
                }

                CreatePartitions(topic, 0);
            }
            else
            {
                if (topic.PartitionCount > previous.PartitionCount)
                {
                    CreatePartitions(topic, previous.PartitionCount);
                }

                if (!ReferenceEquals(topic.ConfigOverrides, previous.ConfigOverrides))
                {
                    var config = _configs.Resolve(topic);
                    for (var p = 0; p < topic.PartitionCount; p++)
                    {
                        if (_partitions.TryGetValue(new TopicPartition(name, p), out var partition))
                        {
                            partition.Log.UpdateConfig(config);
                        }
                    }
                }
            }
        }

        foreach (var (name, previous) in change.Previous)
        {
            if (!change.Current.ContainsKey(name))
            {
                DeletePartitions(previous);
            }
        }
    }

    private void CreatePartitions(TopicSpec topic, int from)
    {
        var config = _configs.Resolve(topic);
        for (var p = from; p < topic.PartitionCount; p++)
        {
            _partitions.GetOrAdd(new TopicPartition(topic.Name, p), tp => new Partition(tp, _logs.GetOrCreateLog(tp, config), _identity.NodeId, leaderEpoch: 0));
        }
    }

    private void DeletePartitions(TopicSpec topic)
    {
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            var tp = new TopicPartition(topic.Name, p);
            if (_partitions.TryRemove(tp, out var partition))
            {
                partition.Notifier.Notify(); // waiting fetches look again and find it gone
            }

            _logs.DeleteLog(tp);
        }
    }
}
