using Grpc.Core;
using LogBroker.Broker.Observability;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Api;

/// <summary>
/// Produce over gRPC: maps each partition's records to <see cref="Partition.AppendAsLeader"/> and the
/// outcome back. The stream handles requests one after another in arrival order, so a partition's
/// batches land in the order they were sent and responses leave in the same order. Request bytes
/// are charged to the in-flight budget before they are read (<see cref="RequestBudgetMiddleware"/>),
/// so the stream handler finishes with one request before it asks for the next.
/// </summary>
public sealed class ProduceService(ReplicaManager replicas, BrokerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<ProduceService> logger) : LogBroker.Protocol.Grpc.Produce.ProduceBase
{
    public override Task<ProduceResponse> Produce(ProduceRequest request, ServerCallContext context) => Task.FromResult(Handle(request));

    public override async Task ProduceStream(IAsyncStreamReader<ProduceRequest> requestStream, IServerStreamWriter<ProduceResponse> responseStream, ServerCallContext context)
    {
        // A stop ends the stream between requests, so an idle producer does not hold up shutdown;
        // the client retries what it sent and did not get an answer for.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            while (await requestStream.MoveNext(stopping.Token))
            {
                var request = requestStream.Current;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var response = Handle(request);
                metrics.Request("ProduceStream", "ok", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (request.Acks != Acks.None)
                {
                    // Written inline: a response is small, and the client's next requests are already
                    // queued on the stream, so a separate writer would only add a thread hop per request.
                    await responseStream.WriteAsync(response, context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // broker shutting down: end the stream cleanly
        }
    }

    private ProduceResponse Handle(ProduceRequest request)
    {
        var response = new ProduceResponse { CorrelationId = request.CorrelationId };
        var acks = request.Acks switch
        {
            Acks.Unspecified or Acks.Leader => RequiredAcks.Leader,
            Acks.None => RequiredAcks.None,
            Acks.All => RequiredAcks.All,
            _ => (RequiredAcks?)null,
        };

        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicProduceResult { Topic = topic.Topic };
            foreach (var data in topic.Partitions)
            {
                var result = acks is { } required
                    ? Append(topic.Topic, data, required)
                    : Error(data.Partition, ErrorCode.InvalidRequiredAcks, $"acks value {(int)request.Acks} is not one of NONE, LEADER, ALL");
                if (result.ErrorCode != 0)
                {
                    metrics.PartitionError("Produce", (ErrorCode)result.ErrorCode);
                }

                topicResult.Partitions.Add(result);
            }

            response.Topics.Add(topicResult);
        }

        return response;
    }

    private PartitionProduceResult Append(string topic, PartitionProduceData data, RequiredAcks acks)
    {
        var lookup = replicas.Lookup(topic, data.Partition);
        if (!lookup.Found)
        {
            return Error(data.Partition, lookup.Error, lookup.Message!);
        }

        AppendResult result;
        try
        {
            result = lookup.Partition!.AppendAsLeader(data.Records.Memory, acks);
        }
        catch (IOException e)
        {
            logger.LogError(e, "Append to {Topic}-{Partition} failed", topic, data.Partition);
            return Error(data.Partition, ErrorCode.KafkaStorageError, $"the broker could not write to disk: {e.Message}");
        }

        if (result.Succeeded)
        {
            metrics.Appended(topic, data.Records.Length, result.RecordCount);
        }

        return new PartitionProduceResult
        {
            Partition = data.Partition,
            ErrorCode = (int)result.Error,
            ErrorMessage = result.ErrorMessage ?? string.Empty,
            BaseOffset = result.FirstOffset,
            LogAppendTime = result.LogAppendTime,
            LogStartOffset = result.LogStartOffset,
        };
    }

    private static PartitionProduceResult Error(int partition, ErrorCode code, string message) => new()
    {
        Partition = partition,
        ErrorCode = (int)code,
        ErrorMessage = message,
        BaseOffset = -1,
        LogAppendTime = -1,
        LogStartOffset = -1,
    };
}
