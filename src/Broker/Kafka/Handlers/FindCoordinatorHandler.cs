using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>FindCoordinator: the broker (and its Kafka listener) coordinating a group. Transaction coordinators do not exist here.</summary>
public sealed class FindCoordinatorHandler(KafkaGroups groups, KafkaCluster cluster) : KafkaApiHandler<FindCoordinatorRequest>
{
    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    public override short FirstFlexibleVersion => 3;

    protected override FindCoordinatorRequest Read(ref KafkaReader reader, short version) => FindCoordinatorRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, FindCoordinatorRequest request, CancellationToken cancellationToken)
    {
        if (request.Keys.Count == 0)
        {
            throw new KafkaProtocolException("FindCoordinator: no key given");
        }

        var coordinators = request.Keys.Select(key => Find(request.KeyType, key)).ToList();
        return Done(new FindCoordinatorResponse(coordinators));
    }

    private Coordinator Find(sbyte keyType, string key)
    {
        if (keyType != FindCoordinatorRequest.GroupKey)
        {
            return new Coordinator(key, ErrorCode.CoordinatorNotAvailable, $"key type {keyType}: only group coordinators exist (no transactions)", -1, string.Empty, -1);
        }

        var (error, message, nodeId) = groups.Coordinator(key);
        var broker = cluster.Brokers().FirstOrDefault(b => b.NodeId == nodeId);
        return error != ErrorCode.None || broker is null
            ? new Coordinator(key, error == ErrorCode.None ? ErrorCode.CoordinatorNotAvailable : error, message ?? $"node {nodeId} is not reachable", -1, string.Empty, -1)
            : new Coordinator(key, ErrorCode.None, null, broker.NodeId, broker.Host, broker.Port);
    }
}
