using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>DeleteTopics, by name or (v6+) by topic id.</summary>
public sealed class DeleteTopicsHandler(KafkaTopicAdmin admin, KafkaCluster cluster) : KafkaApiHandler<DeleteTopicsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    public override short MinVersion => 1;

    public override short MaxVersion => 6;

    public override short FirstFlexibleVersion => 4;

    protected override DeleteTopicsRequest Read(ref KafkaReader reader, short version) => DeleteTopicsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, DeleteTopicsRequest request, CancellationToken cancellationToken)
    {
        var results = new List<DeletedTopic>(request.Topics.Count);
        foreach (var (name, id) in request.Topics)
        {
            var topic = name is not null ? cluster.FindTopic(name) : cluster.FindTopic(id);
            if (name is null && topic is null)
            {
                results.Add(new DeletedTopic(null, id, KafkaErrors.UnknownTopicId, $"no topic has id {id}"));
                continue;
            }

            var target = name ?? topic!.Name;
            var (error, message) = await admin.DeleteAsync(target, cancellationToken);
            results.Add(new DeletedTopic(target, topic?.TopicId ?? id, error, message));
        }

        return new DeleteTopicsResponse(results);
    }
}
