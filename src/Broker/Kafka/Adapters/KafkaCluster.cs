using LogBroker.Broker.Cluster;
using LogBroker.Broker.Partitions;
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
public sealed class KafkaCluster(BrokerIdentity identity, MetadataStore metadata, ReplicaManager replicas, KafkaEndpoint endpoint)
{
    public string ClusterId => identity.ClusterId;

    public int NodeId => identity.NodeId;

    /// <summary>The node clients send controller requests to: this one, while the cluster is one node.</summary>
    public int ControllerId => identity.NodeId;

    /// <summary>Every live broker with its Kafka listener (the Kafka port is the same setting on every node).</summary>
    public IReadOnlyList<KafkaBrokerView> Brokers() => [new KafkaBrokerView(identity.NodeId, endpoint.Host, endpoint.Port)];

    public IReadOnlyList<KafkaTopicView> Topics() =>
        [.. metadata.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(View)];

    public KafkaTopicView? FindTopic(string name) => metadata.Topics.TryGetValue(name, out var spec) ? View(spec) : null;

    public KafkaTopicView? FindTopic(Guid topicId) =>
        metadata.Topics.Values.FirstOrDefault(t => t.TopicId == topicId) is { } spec ? View(spec) : null;

    public static bool IsValidTopicName(string name, out string? error) => TopicName.IsValid(name, out error);

    public KafkaPartitionView Partition(string topic, int partition) =>
        replicas.TryGetPartition(new TopicPartition(topic, partition), out var hosted)
            ? new KafkaPartitionView(ErrorCode.None, hosted.LeaderId, hosted.LeaderEpoch, hosted.Replicas, hosted.InSyncReplicas)
            : new KafkaPartitionView(ErrorCode.LeaderNotAvailable, -1, -1, [], []);

    private static KafkaTopicView View(TopicSpec spec) => new(spec.Name, spec.TopicId, spec.PartitionCount, spec.IsInternal);
}
