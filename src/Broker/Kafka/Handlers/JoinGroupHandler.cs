using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// JoinGroup of the classic protocol: the member waits for the rebalance to complete. A group with
/// consumer-protocol members (gRPC or KIP-848 clients) is refused with INCONSISTENT_GROUP_PROTOCOL.
/// </summary>
public sealed class JoinGroupHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<JoinGroupRequest>
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;

    public override short MinVersion => 2;

    public override short MaxVersion => 9;

    public override short FirstFlexibleVersion => 6;

    protected override JoinGroupRequest Read(ref KafkaReader reader, short version) => JoinGroupRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, JoinGroupRequest request, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(request.GroupId);
        if (error != ErrorCode.None)
        {
            return new JoinGroupResponse(JoinGroupResult.Failed(error, request.MemberId));
        }

        if (await groups.HasConsumerProtocolMembersAsync(request.GroupId, cancellationToken))
        {
            return new JoinGroupResponse(JoinGroupResult.Failed(KafkaErrors.InconsistentGroupProtocol, request.MemberId));
        }

        var result = await classic.JoinAsync(request, context.Header.ClientId ?? string.Empty, context.ClientHost, requireKnownMemberId: context.Version >= 4, cancellationToken);
        return new JoinGroupResponse(result);
    }
}
