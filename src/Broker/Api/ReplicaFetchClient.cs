using Grpc.Core;
using LogBroker.Broker.Partitions.Replication;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Proto = LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>The follower's gRPC client of a leader broker: domain requests in, domain results out.</summary>
public sealed class ReplicaFetchClient(string address, BrokerChannels channels) : IReplicaFetchClient
{
    private readonly Proto.Replication.ReplicationClient _replication = new(channels.For(address));
    private readonly Proto.Fetch.FetchClient _fetch = new(channels.For(address));

    public async Task<ReplicaFetchResponse> FetchAsync(ReplicaFetchRequest request, CancellationToken cancellationToken)
    {
        var call = new Proto.ReplicaFetchRequest
        {
            ReplicaId = request.ReplicaId,
            BrokerEpoch = request.BrokerEpoch,
            MaxWaitMs = (int)request.MaxWait.TotalMilliseconds,
            MinBytes = request.MinBytes,
            MaxBytes = request.MaxBytes,
        };
        foreach (var p in request.Partitions)
        {
            call.Partitions.Add(new Proto.ReplicaFetchPartition
            {
                Topic = p.TopicPartition.Topic,
                Partition = p.TopicPartition.Partition,
                CurrentLeaderEpoch = p.LeaderEpoch,
                FetchOffset = p.FetchOffset,
                MaxBytes = p.MaxBytes,
            });
        }

        Proto.ReplicaFetchResponse response;
        try
        {
            response = await _replication.ReplicaFetchAsync(call, deadline: DateTime.UtcNow + request.MaxWait + TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"replica fetch from {address} failed: {e.StatusCode} {e.Status.Detail}", e);
        }

        var results = new ReplicaFetchPartitionResult[response.Partitions.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var r = response.Partitions[i];
            results[i] = new ReplicaFetchPartitionResult(new TopicPartition(r.Topic, r.Partition), (ErrorCode)r.ErrorCode, r.ErrorMessage, r.HighWatermark, r.LogStartOffset, r.LogEndOffset, r.Records.Memory);
        }

        return new ReplicaFetchResponse(results, null);
    }

    public async Task<IReadOnlyList<EpochEndOffset>> OffsetsForLeaderEpochAsync(IReadOnlyList<EpochQuery> queries, CancellationToken cancellationToken)
    {
        var request = new Proto.OffsetsForLeaderEpochRequest();
        foreach (var q in queries)
        {
            request.Partitions.Add(new Proto.EpochQuery { Topic = q.TopicPartition.Topic, Partition = q.TopicPartition.Partition, CurrentLeaderEpoch = q.CurrentLeaderEpoch, LeaderEpoch = q.Epoch });
        }

        Proto.OffsetsForLeaderEpochResponse response;
        try
        {
            response = await _fetch.OffsetsForLeaderEpochAsync(request, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"OffsetsForLeaderEpoch to {address} failed: {e.StatusCode} {e.Status.Detail}", e);
        }

        return [.. response.Partitions.Select(r => new EpochEndOffset(new TopicPartition(r.Topic, r.Partition), (ErrorCode)r.ErrorCode, r.ErrorMessage, r.LeaderEpoch, r.EndOffset))];
    }
}

/// <summary>One <see cref="ReplicaFetchClient"/> per leader address.</summary>
public sealed class ReplicaFetchClientFactory(BrokerChannels channels) : IReplicaFetchClientFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ReplicaFetchClient> _clients = new(StringComparer.Ordinal);

    public IReplicaFetchClient For(string address) => _clients.GetOrAdd(address, a => new ReplicaFetchClient(a, channels));
}
