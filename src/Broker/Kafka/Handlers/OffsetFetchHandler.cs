using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>OffsetFetch: committed offsets from the shared offsets store; -1 where a partition has none.</summary>
public sealed class OffsetFetchHandler(KafkaGroups groups) : KafkaApiHandler<OffsetFetchRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    public override short MinVersion => 1;

    public override short MaxVersion => 9;

    public override short FirstFlexibleVersion => 6;

    protected override OffsetFetchRequest Read(ref KafkaReader reader, short version) => OffsetFetchRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, OffsetFetchRequest request, CancellationToken cancellationToken)
    {
        var results = new List<OffsetFetchGroupResult>(request.Groups.Count);
        foreach (var group in request.Groups)
        {
            results.Add(await FetchAsync(group, cancellationToken));
        }

        return new OffsetFetchResponse(results);
    }

    private async Task<OffsetFetchGroupResult> FetchAsync(OffsetFetchGroup group, CancellationToken cancellationToken)
    {
        var (error, _) = groups.CheckCoordinator(group.GroupId);
        if (error != ErrorCode.None)
        {
            return new OffsetFetchGroupResult(group.GroupId, error, [.. (group.Topics ?? []).Select(t => (t.Topic, t.Partitions.Select(p => new OffsetFetchPartition(p, -1, null, error)).ToList()))]);
        }

        var wanted = group.Topics?.SelectMany(t => t.Partitions.Select(p => (t.Topic, p))).ToList();
        var (fetchError, _, offsets) = await groups.FetchOffsetsAsync(group.GroupId, wanted, cancellationToken);
        if (fetchError != ErrorCode.None)
        {
            return new OffsetFetchGroupResult(group.GroupId, fetchError, []);
        }

        var topics = group.Topics is null
            ? offsets.GroupBy(kv => kv.Key.Topic, StringComparer.Ordinal)
                .Select(g => (g.Key, g.OrderBy(kv => kv.Key.Partition).Select(kv => new OffsetFetchPartition(kv.Key.Partition, kv.Value.Offset, kv.Value.Metadata, ErrorCode.None)).ToList()))
                .ToList()
            : [.. group.Topics.Select(t => (t.Topic, t.Partitions.Select(p => offsets.TryGetValue((t.Topic, p), out var o)
                ? new OffsetFetchPartition(p, o.Offset, o.Metadata, ErrorCode.None)
                : new OffsetFetchPartition(p, -1, string.Empty, ErrorCode.None)).ToList()))];
        return new OffsetFetchGroupResult(group.GroupId, ErrorCode.None, topics);
    }
}
