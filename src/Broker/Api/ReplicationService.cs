using Google.Protobuf;
using Grpc.Core;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using Microsoft.Extensions.Hosting;

namespace LogBroker.Broker.Api;

/// <summary>
/// The leader's side of replication over gRPC: a follower's fetch goes through the same long-poll
/// fetch path consumers use, reading up to the log end instead of the high watermark, and the same
/// zero-copy response (the record bytes are wrapped, not copied, and the segment references are
/// released after the response is written).
/// </summary>
public sealed class ReplicationService(FetchManager fetches, IHostApplicationLifetime lifetime) : Replication.ReplicationBase
{
    public override async Task<ReplicaFetchResponse> ReplicaFetch(ReplicaFetchRequest request, ServerCallContext context)
    {
        var requests = new List<FetchPartitionRequest>(request.Partitions.Count);
        foreach (var p in request.Partitions)
        {
            requests.Add(new FetchPartitionRequest(new TopicPartition(p.Topic, p.Partition), p.FetchOffset, p.MaxBytes > 0 ? p.MaxBytes : 1 << 20, p.CurrentLeaderEpoch));
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var maxWait = TimeSpan.FromMilliseconds(Math.Clamp(request.MaxWaitMs, 0, 10_000));
        var maxBytes = request.MaxBytes > 0 ? request.MaxBytes : int.MaxValue;
        FetchOutcome outcome;
        try
        {
            outcome = await fetches.FetchAsync(requests, Math.Max(1, request.MinBytes), maxBytes, maxWait, stopping.Token, request.ReplicaId);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            outcome = await fetches.FetchAsync(requests, 0, maxBytes, TimeSpan.Zero, CancellationToken.None, request.ReplicaId);
        }

        context.GetHttpContext().Response.RegisterForDispose(outcome);
        var response = new ReplicaFetchResponse();
        foreach (var result in outcome.Results)
        {
            var known = result.Error is not ErrorCode.UnknownTopicOrPartition and not ErrorCode.InvalidTopicException;
            response.Partitions.Add(new ReplicaFetchPartitionResult
            {
                Topic = result.TopicPartition.Topic,
                Partition = result.TopicPartition.Partition,
                ErrorCode = (int)result.Error,
                ErrorMessage = result.ErrorMessage ?? string.Empty,
                HighWatermark = known ? result.Read.HighWatermark : -1,
                LogStartOffset = known ? result.Read.LogStartOffset : -1,
                LogEndOffset = known ? result.Read.LogEndOffset : -1,
                Records = result.Read.IsEmpty ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(result.Read.Records),
            });
        }

        return response;
    }
}
