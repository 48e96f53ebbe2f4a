using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// Metadata: the brokers with their Kafka listeners, and each topic's partitions with leader, epoch
/// and replicas. Topics are never created by a metadata request (topic auto-creation is off here).
/// </summary>
public sealed class MetadataHandler(KafkaCluster cluster) : KafkaApiHandler<MetadataRequest>
{
    /// <summary>Every topic operation, as no ACLs restrict any: READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.</summary>
    private const int TopicOperations = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    public override ApiKey ApiKey => ApiKey.Metadata;

    public override short MinVersion => 0;

    public override short MaxVersion => 12;

    public override short FirstFlexibleVersion => 9;

    protected override MetadataRequest Read(ref KafkaReader reader, short version) => MetadataRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, MetadataRequest request, CancellationToken cancellationToken)
    {
        var operations = request.IncludeTopicAuthorizedOperations ? TopicOperations : MetadataResponse.OperationsNotRequested;
        var topics = new List<MetadataTopic>();
        if (request.Topics is null)
        {
            topics.AddRange(cluster.Topics().Select(t => Describe(t, operations)));
        }
        else
        {
            foreach (var (id, name) in request.Topics)
            {
                var found = name is not null ? cluster.FindTopic(name) : cluster.FindTopic(id);
                if (found is not null)
                {
                    topics.Add(Describe(found, operations));
                }
                else if (name is null)
                {
                    topics.Add(new MetadataTopic(KafkaErrors.UnknownTopicId, null, id, false, [], operations));
                }
                else
                {
                    var error = KafkaCluster.IsValidTopicName(name, out _) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.InvalidTopicException;
                    topics.Add(new MetadataTopic(error, name, Guid.Empty, false, [], operations));
                }
            }
        }

        var brokers = cluster.Brokers().Select(b => new MetadataBroker(b.NodeId, b.Host, b.Port, null)).ToList();
        return Done(new MetadataResponse(brokers, cluster.ClusterId, cluster.ControllerId, topics));
    }

    private MetadataTopic Describe(KafkaTopicView topic, int operations)
    {
        var partitions = new List<MetadataPartition>(topic.PartitionCount);
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            var view = cluster.Partition(topic.Name, p);
            partitions.Add(new MetadataPartition(view.Error, p, view.LeaderId, view.LeaderEpoch, view.Replicas, view.Isr));
        }

        return new MetadataTopic(ErrorCode.None, topic.Name, topic.TopicId, topic.IsInternal, partitions, operations);
    }
}
