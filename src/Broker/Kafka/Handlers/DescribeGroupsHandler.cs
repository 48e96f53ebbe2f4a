using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// DescribeGroups: a classic group as its coordinator holds it; a consumer-protocol group with its
/// members' subscriptions and assignments in the "consumer" protocol's encoding, so Kafka's tools
/// show both alike; an unknown group as Dead, as Kafka answers.
/// </summary>
public sealed class DescribeGroupsHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<DescribeGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    public override short FirstFlexibleVersion => 5;

    protected override DescribeGroupsRequest Read(ref KafkaReader reader, short version) => DescribeGroupsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, DescribeGroupsRequest request, CancellationToken cancellationToken)
    {
        var described = new List<DescribedGroup>(request.Groups.Count);
        foreach (var groupId in request.Groups)
        {
            described.Add(await DescribeAsync(groupId, cancellationToken));
        }

        return new DescribeGroupsResponse(described);
    }

    private async Task<DescribedGroup> DescribeAsync(string groupId, CancellationToken cancellationToken)
    {
        var (error, message) = groups.CheckCoordinator(groupId);
        if (error != ErrorCode.None)
        {
            return new DescribedGroup(error, message, groupId, string.Empty, string.Empty, string.Empty, []);
        }

        if (classic.Describe(groupId) is { } classicGroup)
        {
            return classicGroup;
        }

        var (describeError, _, state, members) = await groups.DescribeAsync(groupId, cancellationToken);
        if (describeError == ErrorCode.GroupIdNotFound)
        {
            return new DescribedGroup(ErrorCode.None, null, groupId, "Dead", string.Empty, string.Empty, []);
        }

        if (describeError != ErrorCode.None)
        {
            return new DescribedGroup(describeError, null, groupId, string.Empty, string.Empty, string.Empty, []);
        }

        var described = members
            .Select(m => new DescribedMember(m.MemberId, m.InstanceId, string.Empty, string.Empty, ConsumerProtocol.Subscription(m.Topics), ConsumerProtocol.Assignment(m.Assignment)))
            .ToList();
        return new DescribedGroup(ErrorCode.None, null, groupId, state, "consumer", members.Count > 0 ? "uniform" : string.Empty, described);
    }
}
