using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// ListGroups: classic groups with members (type "classic"), consumer-protocol groups with members
/// (type "consumer", states Empty/Reconciling/Stable), and groups that only hold committed offsets
/// (Empty, "classic", as Kafka lists them).
/// </summary>
public sealed class ListGroupsHandler(ClassicGroupCoordinator classic, KafkaGroups groups) : KafkaApiHandler<ListGroupsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    public override short FirstFlexibleVersion => 3;

    protected override ListGroupsRequest Read(ref KafkaReader reader, short version) => ListGroupsRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, ListGroupsRequest request, CancellationToken cancellationToken)
    {
        var listed = new Dictionary<string, ListedGroup>(StringComparer.Ordinal);
        foreach (var (groupId, state, members) in await groups.ListAsync(cancellationToken))
        {
            listed[groupId] = new ListedGroup(groupId, "consumer", state, members > 0 ? "consumer" : "classic");
        }

        foreach (var (groupId, state, protocolType) in classic.List())
        {
            listed[groupId] = new ListedGroup(groupId, protocolType, state.ToString(), "classic");
        }

        var result = listed.Values
            .Where(g => request.StatesFilter.Count == 0 || request.StatesFilter.Contains(g.State, StringComparer.OrdinalIgnoreCase))
            .Where(g => request.TypesFilter.Count == 0 || request.TypesFilter.Contains(g.Type, StringComparer.OrdinalIgnoreCase))
            .OrderBy(g => g.GroupId, StringComparer.Ordinal)
            .ToList();
        return new ListGroupsResponse(ErrorCode.None, result);
    }
}
