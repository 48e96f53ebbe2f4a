using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// CreateTopics, through the same topic controller as gRPC's admin. A manual replica assignment is
/// accepted when it only names brokers that exist (then its length is the partition count).
/// </summary>
public sealed class CreateTopicsHandler(KafkaTopicAdmin admin, KafkaCluster cluster) : KafkaApiHandler<CreateTopicsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;

    public override short MinVersion => 2;

    public override short MaxVersion => 7;

    public override short FirstFlexibleVersion => 5;

    protected override CreateTopicsRequest Read(ref KafkaReader reader, short version) => CreateTopicsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, CreateTopicsRequest request, CancellationToken cancellationToken)
    {
        var duplicates = request.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var results = new List<CreatedTopic>(request.Topics.Count);
        foreach (var topic in request.Topics)
        {
            var (error, message) = duplicates.Contains(topic.Name)
                ? (ErrorCode.InvalidRequest, $"topic '{topic.Name}' appears more than once in the request")
                : await CreateAsync(topic, request.ValidateOnly, cancellationToken);
            results.Add(Result(topic, error, message, request.ValidateOnly));
        }

        return new CreateTopicsResponse(results);
    }

    private async Task<(ErrorCode, string?)> CreateAsync(CreatableTopic topic, bool validateOnly, CancellationToken cancellationToken)
    {
        var partitions = topic.NumPartitions;
        if (topic.Assignments.Count > 0)
        {
            if (topic.NumPartitions != -1 || topic.ReplicationFactor != -1)
            {
                return (ErrorCode.InvalidRequest, "give either a replica assignment or a partition count and replication factor, not both");
            }

            var brokers = cluster.Brokers().Select(b => b.NodeId).ToHashSet();
            if (topic.Assignments.Any(a => a.BrokerIds.Length == 0 || a.BrokerIds.Any(id => !brokers.Contains(id))) || !topic.Assignments.Select(a => a.Partition).Order().SequenceEqual(Enumerable.Range(0, topic.Assignments.Count)))
            {
                return (KafkaErrors.InvalidReplicaAssignment, $"the assignment must name partitions 0 to {topic.Assignments.Count - 1}, each on existing brokers ({string.Join(", ", brokers)})");
            }

            partitions = topic.Assignments.Count;
        }

        if (topic.Configs.FirstOrDefault(c => c.Value is null) is { Name: { } nullConfig })
        {
            return (ErrorCode.InvalidConfig, $"config '{nullConfig}' has a null value");
        }

        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in topic.Configs)
        {
            configs[name] = value!;
        }

        return await admin.CreateAsync(topic.Name, partitions, topic.ReplicationFactor, configs, validateOnly, cancellationToken);
    }

    private CreatedTopic Result(CreatableTopic topic, ErrorCode error, string? message, bool validateOnly)
    {
        if (error != ErrorCode.None)
        {
            return new CreatedTopic(topic.Name, Guid.Empty, error, message, -1, -1, null);
        }

        var created = validateOnly ? null : cluster.FindTopic(topic.Name);
        var configs = validateOnly ? null : admin.TopicConfigs(topic.Name)?.Select(ConfigTypes.Describe).ToList();
        var partitions = created?.PartitionCount ?? (topic.NumPartitions == -1 ? Math.Max(topic.Assignments.Count, KafkaTopicAdmin.DefaultPartitions) : topic.NumPartitions);
        return new CreatedTopic(topic.Name, created?.TopicId ?? Guid.Empty, ErrorCode.None, null, partitions, 1, configs);
    }
}
