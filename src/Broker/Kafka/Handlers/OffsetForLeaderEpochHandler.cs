using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>OffsetForLeaderEpoch: consumers validate their position after a leader change (KIP-320) by asking where their epoch ended.</summary>
public sealed class OffsetForLeaderEpochHandler(KafkaPartitions partitions) : KafkaApiHandler<OffsetForLeaderEpochRequest>
{
    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    public override short MinVersion => 2;

    public override short MaxVersion => 4;

    public override short FirstFlexibleVersion => 4;

    protected override OffsetForLeaderEpochRequest Read(ref KafkaReader reader, short version) => OffsetForLeaderEpochRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, OffsetForLeaderEpochRequest request, CancellationToken cancellationToken)
    {
        var topics = new List<(string, List<EpochEndOffset>)>(request.Topics.Count);
        foreach (var (topic, queries) in request.Topics)
        {
            var answers = new List<EpochEndOffset>(queries.Count);
            foreach (var q in queries)
            {
                var (error, epoch, end) = partitions.EpochEndOffset(topic, q.Partition, q.CurrentLeaderEpoch, q.LeaderEpoch);
                answers.Add(new EpochEndOffset(error, q.Partition, epoch, end));
            }

            topics.Add((topic, answers));
        }

        return Done(new OffsetForLeaderEpochResponse(topics));
    }
}
