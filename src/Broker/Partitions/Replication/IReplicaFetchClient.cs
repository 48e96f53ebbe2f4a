using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions.Replication;

/// <summary>A follower's calls to one leader broker (the gRPC adapter lives in Api/).</summary>
public interface IReplicaFetchClient
{
    /// <summary>Long-poll fetch of the leader's batches for several partitions. Throws <see cref="IOException"/> when the leader cannot be reached.</summary>
    Task<ReplicaFetchResponse> FetchAsync(ReplicaFetchRequest request, CancellationToken cancellationToken);

    /// <summary>Kafka's OffsetsForLeaderEpoch: where each epoch ended on the leader. Throws <see cref="IOException"/> when unreachable.</summary>
    Task<IReadOnlyList<EpochEndOffset>> OffsetsForLeaderEpochAsync(IReadOnlyList<EpochQuery> queries, CancellationToken cancellationToken);
}

/// <summary>Makes clients for leader addresses (cached per address by the implementation).</summary>
public interface IReplicaFetchClientFactory
{
    IReplicaFetchClient For(string address);
}

public sealed record ReplicaFetchRequest(int ReplicaId, long BrokerEpoch, TimeSpan MaxWait, int MinBytes, int MaxBytes, IReadOnlyList<ReplicaFetchPartition> Partitions);

public readonly record struct ReplicaFetchPartition(TopicPartition TopicPartition, long FetchOffset, int LeaderEpoch, int MaxBytes);

/// <summary>A fetch's results; owns the memory behind the records (dispose once appended).</summary>
public sealed class ReplicaFetchResponse(IReadOnlyList<ReplicaFetchPartitionResult> partitions, IDisposable? owner) : IDisposable
{
    public IReadOnlyList<ReplicaFetchPartitionResult> Partitions { get; } = partitions;

    public void Dispose() => owner?.Dispose();
}

public readonly record struct ReplicaFetchPartitionResult(
    TopicPartition TopicPartition,
    ErrorCode Error,
    string? Message,
    long HighWatermark,
    long LogStartOffset,
    long LogEndOffset,
    ReadOnlyMemory<byte> Records);

public readonly record struct EpochQuery(TopicPartition TopicPartition, int CurrentLeaderEpoch, int Epoch);

/// <summary>The leader's answer for one partition: the largest epoch at most the one asked about, and where it ended; (-1, -1) when it has none that old.</summary>
public readonly record struct EpochEndOffset(TopicPartition TopicPartition, ErrorCode Error, string? Message, int Epoch, long EndOffset);
