using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Kafka.Adapters;

/// <summary>One topic config as Kafka's DescribeConfigs reports it: its value and whether the topic sets it itself.</summary>
public sealed record KafkaTopicConfig(string Name, string Value, bool IsOverride);

/// <summary>
/// Adapter: topic administration for the Kafka layer, through the same topic controller (and so the
/// same rules) as gRPC's admin calls: the active controller, wherever it runs.
/// </summary>
public sealed class KafkaTopicAdmin(ControllerChannel controller, MetadataStore metadata, TopicConfigResolver configs)
{
    /// <summary>Kafka's num.partitions: what a create with -1 partitions gets.</summary>
    public const int DefaultPartitions = 1;

    public async Task<(ErrorCode Error, string? Message)> CreateAsync(string name, int partitions, int replicationFactor, IReadOnlyDictionary<string, string> topicConfigs, bool validateOnly, CancellationToken cancellationToken)
    {
        var result = await controller.CreateTopicAsync(new CreateTopicRequest(name, partitions == -1 ? DefaultPartitions : partitions, replicationFactor, topicConfigs, validateOnly), cancellationToken);
        return (result.Error, result.Message);
    }

    public async Task<(ErrorCode Error, string? Message)> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var result = await controller.DeleteTopicAsync(name, cancellationToken);
        return (result.Error, result.Message);
    }

    public async Task<(ErrorCode Error, string? Message)> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken)
    {
        var result = await controller.CreatePartitionsAsync(name, newCount, validateOnly, cancellationToken);
        return (result.Error, result.Message);
    }

    public async Task<(ErrorCode Error, string? Message)> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken)
    {
        var result = await controller.AlterConfigsAsync(name, set, remove, validateOnly, cancellationToken);
        return (result.Error, result.Message);
    }

    /// <summary>Every config of the topic (its overrides and the broker defaults beneath them), or null if it does not exist.</summary>
    public IReadOnlyList<KafkaTopicConfig>? TopicConfigs(string name)
    {
        if (!metadata.Topics.TryGetValue(name, out var spec))
        {
            return null;
        }

        return [.. TopicConfigKeys.ToDictionary(configs.Resolve(spec))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KafkaTopicConfig(kv.Key, kv.Value, spec.ConfigOverrides.ContainsKey(kv.Key)))];
    }

    /// <summary>The broker-wide topic defaults, as a broker's configs (Kafka's log.* settings are these).</summary>
    public IReadOnlyDictionary<string, string> BrokerDefaults() => TopicConfigKeys.ToDictionary(configs.Defaults);
}
