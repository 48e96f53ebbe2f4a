using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Records;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// Topic changes: each request is checked against the rules (Kafka's topic name rules, partition and
/// replication limits, valid configs, what exists already) and, when accepted, written to the
/// metadata log as records; brokers create, delete and reconfigure their replicas as they apply them.
/// </summary>
public sealed partial class QuorumController
{
    public const int MaxPartitionsPerTopic = 10_000;
    public const string InternalTopicPrefix = "__";

    public Task<TopicOperationResult> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken) =>
        DecideAsync<TopicOperationResult>(
            (image, records) =>
            {
                if (CheckNewTopic(image, request) is { } refused)
                {
                    return _ => refused;
                }

                var active = image.Brokers.Values.Where(b => b.IsActive).Select(b => b.NodeId).ToList();
                var replicationFactor = request.ReplicationFactor > 0 ? request.ReplicationFactor
                    : request.IsInternal ? Math.Max(1, Math.Min(_options.OffsetsTopicReplicationFactor, active.Count))
                    : _options.DefaultReplicationFactor;
                if (replicationFactor > active.Count)
                {
                    var brokers = active.Count == 0 ? "none is" : $"{active.Count} {(active.Count == 1 ? "is" : "are")} ({string.Join(", ", active.Order())})";
                    return _ => TopicOperationResult.Fail(ErrorCode.InvalidReplicationFactor, $"replication factor {replicationFactor} needs {replicationFactor} live broker(s); {brokers}");
                }

                if (request.ValidateOnly)
                {
                    return _ => TopicOperationResult.Ok;
                }

                var topic = new TopicImage(request.Name, Guid.NewGuid(), request.Configs.ToImmutableDictionary(StringComparer.Ordinal), request.IsInternal, []);
                records.Add(MetadataRecords.TopicCreated(topic));
                foreach (var partition in NewPartitions(active, 0, request.Partitions, replicationFactor))
                {
                    records.Add(MetadataRecords.PartitionChanged(topic, partition));
                }

                return offset =>
                {
                    _logger.LogInformation("Created topic {Topic} with {Partitions} partition(s), replication factor {ReplicationFactor}", request.Name, request.Partitions, replicationFactor);
                    return new TopicOperationResult(ErrorCode.None, null, offset);
                };
            },
            message => TopicOperationResult.Fail(NotControllerCode, message),
            cancellationToken);

    public Task<TopicOperationResult> DeleteTopicAsync(string name, CancellationToken cancellationToken) =>
        DecideAsync<TopicOperationResult>(
            (image, records) =>
            {
                if (!image.Topics.TryGetValue(name, out var topic))
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
                }

                if (topic.IsInternal)
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.InvalidRequest, $"'{name}' is an internal topic and cannot be deleted");
                }

                records.Add(MetadataRecords.TopicDeleted(topic));
                return offset =>
                {
                    _logger.LogInformation("Deleted topic {Topic}", name);
                    return new TopicOperationResult(ErrorCode.None, null, offset);
                };
            },
            message => TopicOperationResult.Fail(NotControllerCode, message),
            cancellationToken);

    public Task<TopicOperationResult> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken) =>
        DecideAsync<TopicOperationResult>(
            (image, records) =>
            {
                if (!image.Topics.TryGetValue(name, out var topic))
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
                }

                var overrides = topic.ConfigOverrides.RemoveRange(remove).SetItems(set);
                if (!_configs.TryResolve(overrides, out _, out var error))
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.InvalidConfig, error!);
                }

                if (!validateOnly)
                {
                    records.Add(MetadataRecords.TopicConfigChanged(topic, overrides));
                }

                return offset => new TopicOperationResult(ErrorCode.None, null, offset);
            },
            message => TopicOperationResult.Fail(NotControllerCode, message),
            cancellationToken);

    public Task<TopicOperationResult> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken) =>
        DecideAsync<TopicOperationResult>(
            (image, records) =>
            {
                if (!image.Topics.TryGetValue(name, out var topic))
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
                }

                if (newCount <= topic.PartitionCount || newCount > MaxPartitionsPerTopic)
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.InvalidPartitions, $"topic '{name}' has {topic.PartitionCount} partition(s); the new count must be larger and at most {MaxPartitionsPerTopic}, got {newCount}");
                }

                var active = image.Brokers.Values.Where(b => b.IsActive).Select(b => b.NodeId).ToList();
                if (topic.ReplicationFactor > active.Count)
                {
                    return _ => TopicOperationResult.Fail(ErrorCode.InvalidReplicationFactor, $"topic '{name}' has replication factor {topic.ReplicationFactor}, but only {active.Count} broker(s) are live");
                }

                if (!validateOnly)
                {
                    foreach (var partition in NewPartitions(active, topic.PartitionCount, newCount - topic.PartitionCount, topic.ReplicationFactor))
                    {
                        records.Add(MetadataRecords.PartitionChanged(topic, partition));
                    }
                }

                return offset =>
                {
                    if (!validateOnly)
                    {
                        _logger.LogInformation("Topic {Topic} now has {Partitions} partition(s); keyed records may map to different partitions from here on", name, newCount);
                    }

                    return new TopicOperationResult(ErrorCode.None, null, offset);
                };
            },
            message => TopicOperationResult.Fail(NotControllerCode, message),
            cancellationToken);

    private TopicOperationResult? CheckNewTopic(ClusterImage image, CreateTopicRequest request)
    {
        if (!TopicName.IsValid(request.Name, out var nameError))
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidTopicException, nameError!);
        }

        if (request.Name.StartsWith(InternalTopicPrefix, StringComparison.Ordinal) && !request.IsInternal)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidTopicException, $"topic names starting with '{InternalTopicPrefix}' are reserved for the broker's internal topics");
        }

        if (request.Partitions is < 1 or > MaxPartitionsPerTopic)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidPartitions, $"partition count must be from 1 to {MaxPartitionsPerTopic}; got {request.Partitions}");
        }

        if (request.ReplicationFactor < -1)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidReplicationFactor, $"replication factor must be positive, or -1 for the broker default; got {request.ReplicationFactor}");
        }

        if (!_configs.TryResolve(request.Configs, out _, out var configError))
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidConfig, configError!);
        }

        if (image.Topics.ContainsKey(request.Name))
        {
            return TopicOperationResult.Fail(ErrorCode.TopicAlreadyExists, $"topic '{request.Name}' already exists");
        }

        // Kafka refuses names that differ only in '.' versus '_': metric names replace one with the
        // other, so the two topics' metrics would be indistinguishable.
        var normalized = request.Name.Replace('.', '_');
        foreach (var existing in image.Topics.Keys)
        {
            if (string.Equals(existing.Replace('.', '_'), normalized, StringComparison.Ordinal))
            {
                return TopicOperationResult.Fail(ErrorCode.InvalidTopicException, $"topic '{request.Name}' collides with existing topic '{existing}': names may not differ only in '.' and '_'");
            }
        }

        return null;
    }

    /// <summary>New partitions placed over the live brokers, every replica in sync, the preferred replica leading.</summary>
    private IEnumerable<PartitionImage> NewPartitions(IReadOnlyCollection<int> brokers, int first, int count, int replicationFactor)
    {
        var placements = ReplicaPlacer.Place(brokers, first, count, replicationFactor, _random);
        for (var i = 0; i < count; i++)
        {
            yield return new PartitionImage(first + i, placements[i], placements[i], [], placements[i][0], 0, 0);
        }
    }
}
