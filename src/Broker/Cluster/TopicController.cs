using System.Collections.Immutable;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// Decides topic changes: checks each request against the rules (Kafka's topic name rules, partition
/// and replication limits, valid configs, what exists already) and records the accepted ones in the
/// metadata store. It never touches partitions itself; the replica manager applies what the store
/// publishes, as every broker would apply the metadata log.
/// </summary>
public sealed class TopicController
{
    public const int MaxPartitionsPerTopic = 10_000;
    public const string InternalTopicPrefix = "__";

    private readonly MetadataStore _store;
    private readonly TopicConfigResolver _configs;
    private readonly ILogger<TopicController> _logger;
    private readonly int _brokerCount;

    public TopicController(MetadataStore store, TopicConfigResolver configs, ILogger<TopicController> logger, int brokerCount = 1)
    {
        _store = store;
        _configs = configs;
        _logger = logger;
        _brokerCount = brokerCount;
    }

    public async Task<TopicOperationResult> CreateTopicAsync(string name, int partitions, int replicationFactor, IReadOnlyDictionary<string, string> configs, bool validateOnly, bool isInternal = false, CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsValid(name, out var nameError))
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidTopicException, nameError!);
        }

        if (name.StartsWith(InternalTopicPrefix, StringComparison.Ordinal) && !isInternal)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidTopicException, $"topic names starting with '{InternalTopicPrefix}' are reserved for the broker's internal topics");
        }

        if (partitions is < 1 or > MaxPartitionsPerTopic)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidPartitions, $"partition count must be from 1 to {MaxPartitionsPerTopic}; got {partitions}");
        }

        if (replicationFactor > _brokerCount || replicationFactor < -1)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidReplicationFactor, $"replication factor {replicationFactor} is not possible with {_brokerCount} broker(s)");
        }

        if (!_configs.TryResolve(configs, out _, out var configError))
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidConfig, configError!);
        }

        if (_store.Topics.ContainsKey(name))
        {
            return TopicOperationResult.Fail(ErrorCode.TopicAlreadyExists, $"topic '{name}' already exists");
        }

        if (CollidingTopic(_store.Topics, name) is { } collision)
        {
            return CollisionError(name, collision);
        }

        if (validateOnly)
        {
            return TopicOperationResult.Ok;
        }

        var result = TopicOperationResult.Ok;
        await _store.UpdateAsync(
            topics =>
            {
                if (topics.ContainsKey(name))
                {
                    result = TopicOperationResult.Fail(ErrorCode.TopicAlreadyExists, $"topic '{name}' already exists");
                    return topics;
                }

                if (CollidingTopic(topics, name) is { } collision)
                {
                    result = CollisionError(name, collision);
                    return topics;
                }

                return topics.Add(name, new TopicSpec(name, Guid.NewGuid(), partitions, configs.ToImmutableDictionary(StringComparer.Ordinal), isInternal));
            },
            cancellationToken);
        if (result.Error == ErrorCode.None)
        {
            _logger.LogInformation("Created topic {Topic} with {Partitions} partition(s)", name, partitions);
        }

        return result;
    }

    public async Task<TopicOperationResult> DeleteTopicAsync(string name, CancellationToken cancellationToken = default)
    {
        var result = TopicOperationResult.Ok;
        await _store.UpdateAsync(
            topics =>
            {
                if (!topics.TryGetValue(name, out var topic))
                {
                    result = TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
                    return topics;
                }

                if (topic.IsInternal)
                {
                    result = TopicOperationResult.Fail(ErrorCode.InvalidRequest, $"'{name}' is an internal topic and cannot be deleted");
                    return topics;
                }

                return topics.Remove(name);
            },
            cancellationToken);
        if (result.Error == ErrorCode.None)
        {
            _logger.LogInformation("Deleted topic {Topic}", name);
        }

        return result;
    }

    public async Task<TopicOperationResult> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken = default)
    {
        if (!_store.Topics.TryGetValue(name, out var current))
        {
            return TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
        }

        var overrides = current.ConfigOverrides.ToImmutableDictionary(StringComparer.Ordinal).RemoveRange(remove).SetItems(set);
        if (!_configs.TryResolve(overrides, out _, out var error))
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidConfig, error!);
        }

        if (validateOnly)
        {
            return TopicOperationResult.Ok;
        }

        var result = TopicOperationResult.Ok;
        await _store.UpdateAsync(
            topics =>
            {
                if (!topics.TryGetValue(name, out var topic))
                {
                    result = TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
                    return topics;
                }

                var merged = topic.ConfigOverrides.ToImmutableDictionary(StringComparer.Ordinal).RemoveRange(remove).SetItems(set);
                return topics.SetItem(name, topic with { ConfigOverrides = merged });
            },
            cancellationToken);
        return result;
    }

    public async Task<TopicOperationResult> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken = default)
    {
        if (!_store.Topics.TryGetValue(name, out var current))
        {
            return TopicOperationResult.Fail(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
        }

        if (newCount <= current.PartitionCount || newCount > MaxPartitionsPerTopic)
        {
            return TopicOperationResult.Fail(ErrorCode.InvalidPartitions, $"topic '{name}' has {current.PartitionCount} partition(s); the new count must be larger and at most {MaxPartitionsPerTopic}, got {newCount}");
        }

        if (validateOnly)
        {
            return TopicOperationResult.Ok;
        }

        var result = TopicOperationResult.Ok;
        await _store.UpdateAsync(
            topics =>
            {
                var topic = topics.GetValueOrDefault(name);
                if (topic is null || newCount <= topic.PartitionCount)
                {
                    result = TopicOperationResult.Fail(ErrorCode.InvalidPartitions, $"topic '{name}' changed meanwhile; retry");
                    return topics;
                }

                return topics.SetItem(name, topic with { PartitionCount = newCount });
            },
            cancellationToken);
        if (result.Error == ErrorCode.None)
        {
            _logger.LogInformation("Topic {Topic} now has {Partitions} partition(s); keyed records may map to different partitions from here on", name, newCount);
        }

        return result;
    }

    /// <summary>
    /// Kafka refuses names that differ only in '.' versus '_': metric names replace one with the
    /// other, so the two topics' metrics would be indistinguishable.
    /// </summary>
    private static string? CollidingTopic(ImmutableDictionary<string, TopicSpec> topics, string name)
    {
        var normalized = name.Replace('.', '_');
        foreach (var existing in topics.Keys)
        {
            if (!string.Equals(existing, name, StringComparison.Ordinal) && string.Equals(existing.Replace('.', '_'), normalized, StringComparison.Ordinal))
            {
                return existing;
            }
        }

        return null;
    }

    private static TopicOperationResult CollisionError(string name, string existing) =>
        TopicOperationResult.Fail(ErrorCode.InvalidTopicException, $"topic '{name}' collides with existing topic '{existing}': names may not differ only in '.' and '_'");
}
