using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>ListOffsets: earliest (-2), latest (-1, the high watermark) or the first offset at a time. v7's max-timestamp lookup is not offered.</summary>
public sealed class ListOffsetsHandler(KafkaPartitions partitions) : KafkaApiHandler<ListOffsetsRequest>
{
    public override ApiKey ApiKey => ApiKey.ListOffsets;

    public override short MinVersion => 1;

    public override short MaxVersion => 6;

    public override short FirstFlexibleVersion => 6;

    protected override ListOffsetsRequest Read(ref KafkaReader reader, short version) => ListOffsetsRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, ListOffsetsRequest request, CancellationToken cancellationToken)
    {
        var topics = new List<(string, List<ListOffsetsPartitionResponse>)>(request.Topics.Count);
        foreach (var (topic, requested) in request.Topics)
        {
            var answers = new List<ListOffsetsPartitionResponse>(requested.Count);
            foreach (var p in requested)
            {
                var (error, offset, timestamp, epoch) = partitions.ListOffset(topic, p.Partition, p.CurrentLeaderEpoch, p.Timestamp);
                answers.Add(new ListOffsetsPartitionResponse(p.Partition, error, timestamp, offset, epoch));
            }

            topics.Add((topic, answers));
        }

        return Done(new ListOffsetsResponse(topics));
    }
}
