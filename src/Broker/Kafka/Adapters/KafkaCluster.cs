using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Adapters;

/// <summary>A topic as Kafka's metadata shows it.</summary>
public sealed record KafkaTopicView(string Name, Guid TopicId, int PartitionCount, bool IsInternal);

/// <summary>A partition's leadership as Kafka's metadata shows it; <see cref="Error"/> is LEADER_NOT_AVAILABLE while no replica leads it.</summary>
public sealed record KafkaPartitionView(ErrorCode Error, int LeaderId, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr);

/// <summary>A broker of the cluster with its Kafka listener.</summary>
public sealed record KafkaBrokerView(int NodeId, string Host, int Port);

/// <summary>
/// Adapter: the cluster as the Kafka layer sees it (brokers, controller, topics, partition leaders),
/// read from the metadata store and the replica manager. One of the few places the Kafka layer
/// touches the broker's domain; when the metadata image replaces the store, only these members move.
/// </summary>
public sealed class KafkaCluster(BrokerIdentity identity, MetadataStore metadata, IMetadataQuorum quorum)
{
    public string ClusterId => identity.ClusterId;

    public int NodeId => identity.NodeId;

    /// <summary>The active controller (the metadata quorum's leader), or -1 while none is known.</summary>
    public int ControllerId => quorum.LeaderId ?? -1;

    /// <summary>Every live broker that runs a Kafka listener, as it registered it.</summary>
    public IReadOnlyList<KafkaBrokerView> Brokers()
    {
        var brokers = new List<KafkaBrokerView>();
        foreach (var broker in metadata.Image.Brokers.Values.OrderBy(b => b.NodeId))
        {
            var colon = broker.KafkaEndpoint.LastIndexOf(':');
            if (broker.IsActive && colon > 0 && int.TryParse(broker.KafkaEndpoint.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                brokers.Add(new KafkaBrokerView(broker.NodeId, broker.KafkaEndpoint[..colon], port));
            }
        }

        return brokers;
    }

    public IReadOnlyList<KafkaTopicView> Topics() =>
        [.. metadata.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(View)];

    public KafkaTopicView? FindTopic(string name) => metadata.Topics.TryGetValue(name, out var topic) ? View(topic) : null;

    public KafkaTopicView? FindTopic(Guid topicId) =>
        metadata.Topics.Values.FirstOrDefault(t => t.TopicId == topicId) is { } topic ? View(topic) : null;

    public static bool IsValidTopicName(string name, out string? error) => TopicName.IsValid(name, out error);

    public KafkaPartitionView Partition(string topic, int partition)
    {
        var image = metadata.Image;
        return image.TryGetPartition(new TopicPartition(topic, partition), out var p)
            ? new KafkaPartitionView(p.HasLeader && image.IsActive(p.Leader) ? ErrorCode.None : ErrorCode.LeaderNotAvailable, p.Leader, p.LeaderEpoch, p.Replicas, p.Isr)
            : new KafkaPartitionView(ErrorCode.LeaderNotAvailable, -1, -1, [], []);
    }

    private static KafkaTopicView View(TopicImage topic) => new(topic.Name, topic.TopicId, topic.PartitionCount, topic.IsInternal);
}
