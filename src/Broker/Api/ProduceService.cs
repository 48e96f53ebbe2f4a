using System.Threading.Channels;
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
/// outcome back. The stream appends requests one after another in arrival order, so a partition's
/// batches land in the order they were sent; responses leave in the same order. A response that must
/// wait for replication (acks=all) does not hold up the appends of later requests: it is queued, and
/// a writer sends responses in order as each completes. While nothing is queued, a completed response
/// is written inline, so acks=leader pays no thread hop. Request bytes are charged to the in-flight
/// budget before they are read (<see cref="RequestBudgetMiddleware"/>).
/// </summary>
public sealed class ProduceService(ReplicaManager replicas, BrokerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<ProduceService> logger) : LogBroker.Protocol.Grpc.Produce.ProduceBase
{
    /// <summary>How long acks=all waits when the request names no timeout.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public override Task<ProduceResponse> Produce(ProduceRequest request, ServerCallContext context) => HandleAsync(request);

    public override async Task ProduceStream(IAsyncStreamReader<ProduceRequest> requestStream, IServerStreamWriter<ProduceResponse> responseStream, ServerCallContext context)
    {
        // A stop ends the stream between requests, so an idle producer does not hold up shutdown;
        // the client retries what it sent and did not get an answer for.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var queued = Channel.CreateUnbounded<Task<ProduceResponse>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var outstanding = 0;
        Task? writer = null;
        async Task WriteQueuedAsync()
        {
            await foreach (var pending in queued.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(await pending, context.CancellationToken);
                Interlocked.Decrement(ref outstanding);
            }
        }

        try
        {
            while (await requestStream.MoveNext(stopping.Token))
            {
                var request = requestStream.Current;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var response = HandleAsync(request);
                metrics.Request("ProduceStream", "ok", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (request.Acks == Acks.None)
                {
                    continue;
                }

                if (Volatile.Read(ref outstanding) == 0 && response.IsCompletedSuccessfully)
                {
                    await responseStream.WriteAsync(response.Result, context.CancellationToken);
                    continue;
                }

                Interlocked.Increment(ref outstanding);
                queued.Writer.TryWrite(response);
                writer ??= Task.Run(WriteQueuedAsync);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // broker shutting down: end the stream cleanly
        }
        finally
        {
            queued.Writer.TryComplete();
        }

        if (writer is not null)
        {
            await writer;
        }
    }

    private async Task<ProduceResponse> HandleAsync(ProduceRequest request)
    {
        var response = new ProduceResponse { CorrelationId = request.CorrelationId };
        var acks = request.Acks switch
        {
            Acks.Unspecified or Acks.Leader => RequiredAcks.Leader,
            Acks.None => RequiredAcks.None,
            Acks.All => RequiredAcks.All,
            _ => (RequiredAcks?)null,
        };

        List<(PartitionProduceResult Result, Task<ErrorCode> Replicated)>? waiting = null;
        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicProduceResult { Topic = topic.Topic };
            foreach (var data in topic.Partitions)
            {
                var (result, replicated) = acks is { } required
                    ? Append(topic.Topic, data, required)
                    : (Error(data.Partition, ErrorCode.InvalidRequiredAcks, $"acks value {(int)request.Acks} is not one of NONE, LEADER, ALL"), null);
                if (replicated is not null)
                {
                    (waiting ??= []).Add((result, replicated));
                }
                else if (result.ErrorCode != 0)
                {
                    metrics.PartitionError("Produce", (ErrorCode)result.ErrorCode);
                }

                topicResult.Partitions.Add(result);
            }

            response.Topics.Add(topicResult);
        }

        if (waiting is not null)
        {
            await AwaitReplicationAsync(waiting, request.TimeoutMs > 0 ? TimeSpan.FromMilliseconds(request.TimeoutMs) : DefaultTimeout);
        }

        return response;
    }

    /// <summary>acks=all: each partition's result waits for its high watermark, all of them at most <paramref name="timeout"/>.</summary>
    private async Task AwaitReplicationAsync(List<(PartitionProduceResult Result, Task<ErrorCode> Replicated)> waiting, TimeSpan timeout)
    {
        var all = Task.WhenAll(waiting.Select(w => w.Replicated));
        if (!all.IsCompleted)
        {
            metrics.AcksAllWaiting(+1);
            try
            {
                await ((Task)all).WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                metrics.AcksAllWaiting(-1);
            }
        }

        foreach (var (result, replicated) in waiting)
        {
            var error = replicated.IsCompletedSuccessfully ? replicated.Result : ErrorCode.RequestTimedOut;
            if (error == ErrorCode.None)
            {
                continue;
            }

            result.ErrorCode = (int)error;
            result.ErrorMessage = error switch
            {
                ErrorCode.RequestTimedOut => $"the in-sync replicas did not all have the batch within {timeout.TotalMilliseconds:F0} ms; it may still be committed (idempotent retries are safe)",
                ErrorCode.NotEnoughReplicasAfterAppend => "the batch was written, but the ISR shrank below min.insync.replicas before it was replicated",
                ErrorCode.NotLeaderOrFollower => "this broker stopped leading the partition before the batch was replicated",
                _ => $"replication failed: {error}",
            };
            metrics.PartitionError("Produce", error);
        }
    }

    private (PartitionProduceResult Result, Task<ErrorCode>? Replicated) Append(string topic, PartitionProduceData data, RequiredAcks acks)
    {
        var lookup = replicas.Lookup(topic, data.Partition);
        if (!lookup.Found)
        {
            return (Error(data.Partition, lookup.Error, lookup.Message!), null);
        }

        LeaderAppend append;
        try
        {
            append = lookup.Partition!.AppendAsLeader(data.Records.Memory, acks);
        }
        catch (IOException e)
        {
            logger.LogError(e, "Append to {Topic}-{Partition} failed", topic, data.Partition);
            return (Error(data.Partition, ErrorCode.KafkaStorageError, $"the broker could not write to disk: {e.Message}"), null);
        }

        var result = append.Result;
        if (result.Succeeded)
        {
            metrics.Appended(topic, data.Records.Length, result.RecordCount);
        }

        return (new PartitionProduceResult
        {
            Partition = data.Partition,
            ErrorCode = (int)result.Error,
            ErrorMessage = result.ErrorMessage ?? string.Empty,
            BaseOffset = result.FirstOffset,
            LogAppendTime = result.LogAppendTime,
            LogStartOffset = result.LogStartOffset,
        }, append.Replicated);
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
