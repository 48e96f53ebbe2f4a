using LogBroker.Broker.Hosting;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// Fetch: reads come from the same zero-copy read as gRPC's fetch and are spliced into the response
/// (the segments stay referenced until it has been written). Topics are named (up to v12) or given by
/// id (v13+). The long poll only waits, so the connection goes on reading meanwhile.
/// </summary>
public sealed class FetchHandler(KafkaPartitions partitions, KafkaCluster cluster, BrokerOptions options) : KafkaApiHandler<FetchRequest>
{
    public override ApiKey ApiKey => ApiKey.Fetch;

    public override short MinVersion => 4;

    public override short MaxVersion => 16;

    public override short FirstFlexibleVersion => 12;

    public override bool Pipelined => true;

    protected override FetchRequest Read(ref KafkaReader reader, short version) => FetchRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.MaxWaitMs < 0 || request.MinBytes < 0)
        {
            throw new KafkaProtocolException($"Fetch: max wait ({request.MaxWaitMs}) and min bytes ({request.MinBytes}) must not be negative");
        }

        var reads = new List<KafkaFetchPartition>();
        var topics = new List<(string? Name, Guid Id, bool Known, List<FetchPartitionData> Partitions)>(request.Topics.Count);
        foreach (var topic in request.Topics)
        {
            var name = topic.Name ?? cluster.FindTopic(topic.TopicId)?.Name;
            topics.Add((name, topic.TopicId, name is not null, topic.Partitions));
            if (name is not null)
            {
                reads.AddRange(topic.Partitions.Select(p => new KafkaFetchPartition(name, p.Partition, p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch)));
            }
        }

        var maxWait = TimeSpan.FromMilliseconds(Math.Min(request.MaxWaitMs, options.MaxFetchWaitMs));
        var fetched = await partitions.FetchAsync(reads, request.MinBytes, request.MaxBytes, maxWait, cancellationToken);
        var next = 0;
        var results = new List<FetchTopicResponse>(topics.Count);
        foreach (var (name, id, known, requested) in topics)
        {
            var answers = new FetchPartitionResponse[requested.Count];
            for (var i = 0; i < requested.Count; i++)
            {
                answers[i] = known
                    ? Map(requested[i].Partition, fetched.Partitions[next++])
                    : new FetchPartitionResponse(requested[i].Partition, KafkaErrors.UnknownTopicId, -1, -1, -1, default);
            }

            results.Add(new FetchTopicResponse(name, id, answers));
        }

        return new FetchResponse(ErrorCode.None, results, fetched.Owner);
    }

    private static FetchPartitionResponse Map(int partition, KafkaFetchedPartition p) =>
        new(partition, p.Error, p.HighWatermark, p.LastStableOffset, p.LogStartOffset, p.Records);
}
