using Google.Protobuf;
using Grpc.Core;
using LogBroker.Broker.Hosting;
using LogBroker.Broker.Observability;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Hosting;

namespace LogBroker.Broker.Api;

/// <summary>
/// Fetch, Subscribe and ListOffsets over gRPC. Record bytes go from the segment's memory map into the
/// response without a copy (<see cref="UnsafeByteOperations.UnsafeWrap"/>); the segment references
/// that keep that memory mapped are released only after the response is written. FetchRecords and
/// SubscribeRecords (bound by <see cref="FramedFetchMethodProvider"/>) answer the same requests with
/// records frames, which carry those bytes outside any protobuf message.
/// </summary>
public sealed class FetchService(ReplicaManager replicas, FetchManager fetches, BrokerOptions options, BrokerMetrics metrics, IHostApplicationLifetime lifetime) : LogBroker.Protocol.Grpc.Fetch.FetchBase
{
    private const int DefaultSubscribeMaxBytes = 1 << 20;

    public override async Task<FetchResponse> Fetch(FetchRequest request, ServerCallContext context)
    {
        var (outcome, refused) = await FetchAsync(request, context, "Fetch");
        return MapFetch(request, outcome, refused, replicas);
    }

    /// <summary>Fetch, answered with a records frame (<see cref="FramedFetchMethods.FetchRecords"/>): the batches are written from the log into the response without a protobuf message around them.</summary>
    public async Task<RecordsFrame<RecordsFrameHeader>> FetchRecords(FetchRequest request, ServerCallContext context)
    {
        var (outcome, refused) = await FetchAsync(request, context, "FetchRecords");
        return FetchFrames.ForFetch(request, outcome, refused, replicas.LeaderOf);
    }

    public override Task Subscribe(SubscribeRequest request, IServerStreamWriter<SubscribeResponse> responseStream, ServerCallContext context) =>
        PushAsync(
            request,
            context,
            "Subscribe",
            (tp, code, message) => responseStream.WriteAsync(new SubscribeResponse
            {
                Topic = tp.Topic,
                Partition = tp.Partition,
                ErrorCode = (int)code,
                ErrorMessage = message,
                HighWatermark = -1,
                LogStartOffset = -1,
            }),
            (chunk, token) => responseStream.WriteAsync(
                new SubscribeResponse
                {
                    Topic = chunk.TopicPartition.Topic,
                    Partition = chunk.TopicPartition.Partition,
                    ErrorCode = (int)chunk.Error,
                    ErrorMessage = chunk.ErrorMessage ?? string.Empty,
                    HighWatermark = chunk.Read.HighWatermark,
                    LogStartOffset = chunk.Read.LogStartOffset,
                    Records = UnsafeByteOperations.UnsafeWrap(chunk.Read.Records),
                },
                token));

    /// <summary>Subscribe, pushing records frames (<see cref="FramedFetchMethods.SubscribeRecords"/>), one partition's chunk per frame.</summary>
    public Task SubscribeRecords(SubscribeRequest request, IServerStreamWriter<RecordsFrame<RecordsFrameHeader>> responseStream, ServerCallContext context) =>
        PushAsync(
            request,
            context,
            "SubscribeRecords",
            (tp, code, message) => responseStream.WriteAsync(FetchFrames.Refusal(tp, code, message)),
            (chunk, token) => responseStream.WriteAsync(FetchFrames.ForChunk(chunk, replicas.LeaderOf), token));

    public override Task<ListOffsetsResponse> ListOffsets(ListOffsetsRequest request, ServerCallContext context)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicListOffsetsResult { Topic = topic.Topic };
            foreach (var p in topic.Partitions)
            {
                topicResult.Partitions.Add(ListOffset(topic.Topic, p));
            }

            response.Topics.Add(topicResult);
        }

        return Task.FromResult(response);
    }

    private PartitionOffsetResult ListOffset(string topic, PartitionListOffsets request)
    {
        var result = new PartitionOffsetResult { Partition = request.Partition, Offset = -1, Timestamp = -1 };
        var lookup = replicas.Lookup(topic, request.Partition);
        if (!lookup.Found)
        {
            result.ErrorCode = (int)lookup.Error;
            result.ErrorMessage = lookup.Message;
            return result;
        }

        var (error, message, offset, timestamp) = lookup.Partition!.ListOffset(request.Timestamp);
        result.ErrorCode = (int)error;
        result.ErrorMessage = message ?? string.Empty;
        result.Offset = offset;
        result.Timestamp = timestamp;
        return result;
    }

    public override Task<OffsetsForLeaderEpochResponse> OffsetsForLeaderEpoch(OffsetsForLeaderEpochRequest request, ServerCallContext context)
    {
        var response = new OffsetsForLeaderEpochResponse();
        foreach (var q in request.Partitions)
        {
            var result = new EpochEndOffset { Topic = q.Topic, Partition = q.Partition, LeaderEpoch = -1, EndOffset = -1 };
            var lookup = replicas.Lookup(q.Topic, q.Partition);
            if (!lookup.Found)
            {
                result.ErrorCode = (int)lookup.Error;
                result.ErrorMessage = lookup.Message;
            }
            else
            {
                var (error, message, epoch, end) = lookup.Partition!.EndOffsetForEpoch(q.LeaderEpoch, q.CurrentLeaderEpoch >= 0 ? q.CurrentLeaderEpoch : null);
                result.ErrorCode = (int)error;
                result.ErrorMessage = message ?? string.Empty;
                result.LeaderEpoch = epoch;
                result.EndOffset = end;
            }

            response.Partitions.Add(result);
        }

        return Task.FromResult(response);
    }

    /// <summary>Checks the request, then runs the (long-poll) fetch; the outcome is disposed once the response is written.</summary>
    private async Task<(FetchOutcome Outcome, List<(ErrorCode Code, string Message)?> Refused)> FetchAsync(FetchRequest request, ServerCallContext context, string api)
    {
        var requests = new List<FetchPartitionRequest>();
        var refused = new List<(ErrorCode Code, string Message)?>(); // per partition, in request order
        var requestError = request.MaxWaitMs < 0 || request.MinBytes < 0 || request.MaxBytes < 0
            ? $"max_wait_ms ({request.MaxWaitMs}), min_bytes ({request.MinBytes}) and max_bytes ({request.MaxBytes}) must not be negative"
            : null;
        foreach (var topic in request.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                var tp = new TopicPartition(topic.Topic, p.Partition);
                (ErrorCode, string)? refusal = requestError is not null ? (ErrorCode.InvalidRequest, requestError)
                    : p.FetchOffset < 0 ? (ErrorCode.OffsetOutOfRange, $"fetch offset {p.FetchOffset} is negative")
                    : p.MaxBytes <= 0 ? (ErrorCode.InvalidFetchSize, $"partition max_bytes must be positive; got {p.MaxBytes}")
                    : null;
                refused.Add(refusal);
                if (refusal is null)
                {
                    requests.Add(new FetchPartitionRequest(tp, p.FetchOffset, p.MaxBytes, p.HasCurrentLeaderEpoch ? p.CurrentLeaderEpoch : null));
                }
            }
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var maxWait = TimeSpan.FromMilliseconds(Math.Min(request.MaxWaitMs, options.MaxFetchWaitMs));
        var maxBytes = request.MaxBytes == 0 ? int.MaxValue : request.MaxBytes;
        FetchOutcome outcome;
        try
        {
            outcome = await fetches.FetchAsync(requests, request.MinBytes, maxBytes, maxWait, stopping.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            outcome = await fetches.FetchAsync(requests, 0, maxBytes, TimeSpan.Zero, CancellationToken.None); // shutting down: answer with what is there
        }

        context.GetHttpContext().Response.RegisterForDispose(outcome);
        foreach (var result in outcome.Results)
        {
            Count(result.TopicPartition.Topic, result.Error, result.Read, api);
        }

        return (outcome, refused);
    }

    /// <summary>
    /// Checks the request (refused partitions are answered at once), then pushes chunks as the
    /// partitions grow. Each chunk is written before the next is read, and its memory released once
    /// written: the write serialises (copies) the bytes before it completes.
    /// </summary>
    private async Task PushAsync(SubscribeRequest request, ServerCallContext context, string api, Func<TopicPartition, ErrorCode, string, Task> writeRefusal, Func<SubscriptionChunk, CancellationToken, Task> writeChunk)
    {
        var partitions = new List<(TopicPartition, long, int?)>();
        var listed = new HashSet<TopicPartition>();
        foreach (var p in request.Partitions)
        {
            var tp = new TopicPartition(p.Topic, p.Partition);
            (ErrorCode Code, string Message)? refusal = request.MaxBytes < 0 ? (ErrorCode.InvalidRequest, $"max_bytes must not be negative; got {request.MaxBytes}")
                : p.Offset < 0 ? (ErrorCode.OffsetOutOfRange, $"start offset {p.Offset} is negative")
                : !listed.Add(tp) ? (ErrorCode.InvalidRequest, $"partition {tp} is listed more than once")
                : null;
            if (refusal is { } refused)
            {
                await writeRefusal(tp, refused.Code, refused.Message);
                continue;
            }

            partitions.Add((tp, p.Offset, p.HasCurrentLeaderEpoch ? p.CurrentLeaderEpoch : null));
        }

        var maxBytes = request.MaxBytes > 0 ? request.MaxBytes : DefaultSubscribeMaxBytes;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        metrics.SubscriptionOpened();
        try
        {
            await foreach (var chunk in new Subscription(replicas, partitions, maxBytes).ReadAsync(stopping.Token))
            {
                using (chunk)
                {
                    Count(chunk.TopicPartition.Topic, chunk.Error, chunk.Read, api);
                    await writeChunk(chunk, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // broker shutting down: end the stream cleanly
        }
        finally
        {
            metrics.SubscriptionClosed();
        }
    }

    private void Count(string topic, ErrorCode error, LogReadResult read, string api)
    {
        if (error != ErrorCode.None)
        {
            metrics.PartitionError(api, error);
        }
        else if (!read.IsEmpty)
        {
            metrics.Served(topic, read.Records.Length, BatchCursor.CountRecords(read.Records.Span));
        }
    }

    private static FetchResponse MapFetch(FetchRequest request, FetchOutcome outcome, List<(ErrorCode Code, string Message)?> refused, ReplicaManager replicas)
    {
        var response = new FetchResponse();
        var next = 0;
        var slot = 0;
        foreach (var topic in request.Topics)
        {
            var topicResult = new TopicFetchResult { Topic = topic.Topic };
            foreach (var p in topic.Partitions)
            {
                if (refused[slot++] is { } error)
                {
                    topicResult.Partitions.Add(new PartitionFetchResult { Partition = p.Partition, ErrorCode = (int)error.Code, ErrorMessage = error.Message, HighWatermark = -1, LogStartOffset = -1 });
                    continue;
                }

                var result = outcome.Results[next++];
                var mapped = MapPartition(result.TopicPartition.Partition, result.Error, result.ErrorMessage, result.Read);
                (mapped.LeaderId, mapped.LeaderEpoch) = replicas.LeaderOf(result.TopicPartition);
                topicResult.Partitions.Add(mapped);
            }

            response.Topics.Add(topicResult);
        }

        return response;
    }

    private static PartitionFetchResult MapPartition(int partition, ErrorCode error, string? message, LogReadResult read) => new()
    {
        Partition = partition,
        ErrorCode = (int)error,
        ErrorMessage = message ?? string.Empty,
        HighWatermark = error == ErrorCode.UnknownTopicOrPartition || error == ErrorCode.InvalidTopicException ? -1 : read.HighWatermark,
        LogStartOffset = error == ErrorCode.UnknownTopicOrPartition || error == ErrorCode.InvalidTopicException ? -1 : read.LogStartOffset,
        Records = read.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(read.Records),
    };
}
