using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>LeaveGroup of the classic protocol: the group rebalances without the members that left.</summary>
public sealed class LeaveGroupHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<LeaveGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    public override short FirstFlexibleVersion => 4;

    protected override LeaveGroupRequest Read(ref KafkaReader reader, short version) => LeaveGroupRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, LeaveGroupRequest request, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(request.GroupId);
        if (error != ErrorCode.None)
        {
            return Done(new LeaveGroupResponse(error, []));
        }

        var results = classic.Leave(request.GroupId, request.Members);

        // Up to v2 a single member leaves and its outcome is the request's.
        var overall = context.Version <= 2 ? results[0].Error : ErrorCode.None;
        return Done(new LeaveGroupResponse(overall, results));
    }
}
