using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>DeleteGroups: a group without members of either protocol is deleted with its committed offsets.</summary>
public sealed class DeleteGroupsHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<DeleteGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 2;

    public override short FirstFlexibleVersion => 2;

    protected override DeleteGroupsRequest Read(ref KafkaReader reader, short version) => DeleteGroupsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, DeleteGroupsRequest request, CancellationToken cancellationToken)
    {
        var results = new List<(string, ErrorCode)>(request.Groups.Count);
        foreach (var groupId in request.Groups)
        {
            var (error, _) = groups.CheckCoordinator(groupId);
            if (error == ErrorCode.None)
            {
                error = classic.HasMembers(groupId) ? ErrorCode.NonEmptyGroup : (await groups.DeleteAsync(groupId, cancellationToken)).Error;
            }

            results.Add((groupId, error));
        }

        return new DeleteGroupsResponse(results);
    }
}
