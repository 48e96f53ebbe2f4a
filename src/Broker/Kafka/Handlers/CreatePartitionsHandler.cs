using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>CreatePartitions: grows topics to a new total; replicas are placed by the broker, so a manual assignment is refused.</summary>
public sealed class CreatePartitionsHandler(KafkaTopicAdmin admin) : KafkaApiHandler<CreatePartitionsRequest>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    public override short MinVersion => 0;

    public override short MaxVersion => 3;

    public override short FirstFlexibleVersion => 2;

    protected override CreatePartitionsRequest Read(ref KafkaReader reader, short version) => CreatePartitionsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, CreatePartitionsRequest request, CancellationToken cancellationToken)
    {
        var results = new List<(string, ErrorCode, string?)>(request.Topics.Count);
        foreach (var (name, count, hasAssignments) in request.Topics)
        {
            var (error, message) = hasAssignments
                ? (KafkaErrors.InvalidReplicaAssignment, "this broker places new partitions itself; send no assignment")
                : await admin.CreatePartitionsAsync(name, count, request.ValidateOnly, cancellationToken);
            results.Add((name, error, message));
        }

        return new TopicResultsResponse(results);
    }
}
