using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// Produce: each partition's RecordBatch v2 bytes go, as sliced from the request, to the same append
/// path as gRPC's produce (no re-encoding). Appends run in request order before the handler first
/// waits, so a pipelining producer's batches land in the order it sent them. acks=0 gets no response.
/// </summary>
public sealed class ProduceHandler(KafkaPartitions partitions) : KafkaApiHandler<ProduceRequest>
{
    public override ApiKey ApiKey => ApiKey.Produce;

    public override short MinVersion => 3;

    public override short MaxVersion => 10;

    public override short FirstFlexibleVersion => 9;

    public override bool Pipelined => true;

    protected override ProduceRequest Read(ref KafkaReader reader, short version) => ProduceRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, ProduceRequest request, CancellationToken cancellationToken)
    {
        var refusal = request.Acks is not (0 or 1 or -1) ? (ErrorCode.InvalidRequiredAcks, $"acks must be 0, 1 or -1; got {request.Acks}")
            : request.TransactionalId is not null ? (ErrorCode.InvalidRequest, "transactions are not supported by this broker")
            : ((ErrorCode, string)?)null;
        var appends = new List<(string Topic, int Partition, ValueTask<KafkaAppendOutcome> Outcome)>();
        foreach (var topic in request.Topics)
        {
            foreach (var data in topic.Partitions)
            {
                var outcome = refusal is { } refused ? ValueTask.FromResult(new KafkaAppendOutcome(refused.Item1, refused.Item2, -1, -1, -1))
                    : data.Records is not { } records ? ValueTask.FromResult(new KafkaAppendOutcome(ErrorCode.InvalidRecord, "the record set is null", -1, -1, -1))
                    : partitions.AppendAsync(topic.Name, data.Partition, records, request.Acks);
                appends.Add((topic.Name, data.Partition, outcome));
            }
        }

        var results = new List<(string, List<ProducePartitionResponse>)>(request.Topics.Count);
        foreach (var (topic, partition, pending) in appends)
        {
            var outcome = await pending;
            if (results.Count == 0 || results[^1].Item1 != topic)
            {
                results.Add((topic, []));
            }

            results[^1].Item2.Add(new ProducePartitionResponse(partition, outcome.Error, outcome.BaseOffset, outcome.LogAppendTime, outcome.LogStartOffset, outcome.Message));
        }

        if (request.Acks == 0)
        {
            // No response to carry the error: Kafka closes the connection, so the producer notices,
            // refreshes its metadata and reconnects.
            foreach (var (topic, partitions) in results)
            {
                if (partitions.FirstOrDefault(p => p.Error != ErrorCode.None) is { } failed)
                {
                    throw new KafkaProtocolException($"an acks=0 produce to {topic}-{failed.Partition} failed with {failed.Error} ({failed.ErrorMessage}); closing the connection to tell the producer");
                }
            }

            return null;
        }

        return new ProduceResponse(results);
    }
}
