using System.Globalization;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// DescribeConfigs: a topic's configs (its overrides marked as such, the rest broker defaults); a
/// broker's are the broker-wide topic defaults, read-only since they are set at startup.
/// </summary>
public sealed class DescribeConfigsHandler(KafkaTopicAdmin admin, KafkaCluster cluster) : KafkaApiHandler<DescribeConfigsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    public override short MinVersion => 1;

    public override short MaxVersion => 4;

    public override short FirstFlexibleVersion => 4;

    protected override DescribeConfigsRequest Read(ref KafkaReader reader, short version) => DescribeConfigsRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, DescribeConfigsRequest request, CancellationToken cancellationToken)
    {
        var results = request.Resources.Select(r => Describe(r.Type, r.Name, r.Keys)).ToList();
        return Done(new DescribeConfigsResponse(results));
    }

    private DescribedResource Describe(sbyte type, string name, IReadOnlyList<string>? keys)
    {
        IEnumerable<DescribedConfig> configs;
        switch (type)
        {
            case ConfigResourceType.Topic:
                var topicConfigs = admin.TopicConfigs(name);
                if (topicConfigs is null)
                {
                    return new DescribedResource(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist", type, name, []);
                }

                configs = topicConfigs.Select(ConfigTypes.Describe);
                break;
            case ConfigResourceType.Broker:
                if (name.Length > 0 && name != cluster.NodeId.ToString(CultureInfo.InvariantCulture))
                {
                    return new DescribedResource(ErrorCode.InvalidRequest, $"this is broker {cluster.NodeId}; ask broker '{name}' for its own configs", type, name, []);
                }

                configs = admin.BrokerDefaults().OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => new DescribedConfig(kv.Key, kv.Value, ReadOnly: true, ConfigSource.StaticBrokerConfig, IsSensitive: false, ConfigTypes.Of(kv.Key)));
                break;
            default:
                return new DescribedResource(ErrorCode.InvalidRequest, $"resource type {type} has no configs here (topics are 2, brokers 4)", type, name, []);
        }

        if (keys is not null)
        {
            configs = configs.Where(c => keys.Contains(c.Name, StringComparer.Ordinal));
        }

        return new DescribedResource(ErrorCode.None, null, type, name, [.. configs]);
    }
}
