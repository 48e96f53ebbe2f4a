using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>Topic configs as Kafka describes them: Kafka's type number of each key, and where each value comes from.</summary>
internal static class ConfigTypes
{
    private const sbyte String = 2;
    private const sbyte Int = 3;
    private const sbyte Long = 5;
    private const sbyte Double = 6;
    private const sbyte List = 7;

    public static sbyte Of(string key) => key switch
    {
        TopicConfigKeys.SegmentBytes or TopicConfigKeys.MaxMessageBytes or TopicConfigKeys.IndexIntervalBytes
            or TopicConfigKeys.SegmentIndexBytes or TopicConfigKeys.MinInSyncReplicas => Int,
        TopicConfigKeys.MinCleanableDirtyRatio => Double,
        TopicConfigKeys.CleanupPolicy => List,
        TopicConfigKeys.MessageTimestampType => String,
        _ => Long,
    };

    public static DescribedConfig Describe(KafkaTopicConfig config) =>
        new(config.Name, config.Value, ReadOnly: false, config.IsOverride ? ConfigSource.DynamicTopicConfig : ConfigSource.DefaultConfig, IsSensitive: false, Of(config.Name));
}
