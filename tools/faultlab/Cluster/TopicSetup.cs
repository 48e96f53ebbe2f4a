using System.Globalization;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Cluster;

/// <summary>
/// Creates the campaign's topic: the one place that decides replication (min(3, brokers) replicas,
/// min.insync.replicas one less, Kafka's usual durable setting) and the topic configs that make a short
/// campaign exercise segment rolls.
/// </summary>
public static class TopicSetup
{
    /// <summary>Small enough that segments roll during a campaign (the smallest allowed next to the default max.message.bytes is 1 MiB + 12).</summary>
    public const int SegmentBytes = 2 * 1024 * 1024;

    public static int ReplicationFactor(int brokers) => Math.Min(3, brokers);

    public static async Task CreateAsync(AdminClient admin, string topic, int partitions, int brokers, CancellationToken cancellationToken)
    {
        var replicas = ReplicationFactor(brokers);
        var configs = new Dictionary<string, string>
        {
            ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
            ["min.insync.replicas"] = Math.Max(1, replicas - 1).ToString(CultureInfo.InvariantCulture),
        };
        var results = await admin.CreateTopicsAsync([new TopicSpecification(topic, partitions, configs, replicas)], cancellationToken: cancellationToken);
        var (_, error, message) = results[0];
        if (error != ErrorCode.None)
        {
            throw new LogBrokerException(error, $"cannot create topic '{topic}' with {partitions} partition(s) and {replicas} replica(s): {message}");
        }
    }
}
