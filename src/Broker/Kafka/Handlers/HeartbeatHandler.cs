using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>Heartbeat of the classic protocol: keeps the session alive and tells the member when to rejoin (REBALANCE_IN_PROGRESS).</summary>
public sealed class HeartbeatHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<HeartbeatRequest>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    public override short FirstFlexibleVersion => 4;

    protected override HeartbeatRequest Read(ref KafkaReader reader, short version) => HeartbeatRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(request.GroupId);
        return Done(new ErrorOnlyResponse(error != ErrorCode.None ? error : classic.Heartbeat(request.GroupId, request.GenerationId, request.MemberId), throttleFrom: 1));
    }
}
