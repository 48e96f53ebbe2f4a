using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>SyncGroup of the classic protocol: the leader hands in the assignment; every member waits for its share.</summary>
public sealed class SyncGroupHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<SyncGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    public override short FirstFlexibleVersion => 4;

    protected override SyncGroupRequest Read(ref KafkaReader reader, short version) => SyncGroupRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, SyncGroupRequest request, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(request.GroupId);
        var result = error != ErrorCode.None
            ? new SyncGroupResult(error, null, null, [])
            : await classic.SyncAsync(request, cancellationToken);
        return new SyncGroupResponse(result);
    }
}
