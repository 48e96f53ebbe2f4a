using LogBroker.Broker.Observability;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.Adapters;

/// <summary>The outcome of a produce to one partition.</summary>
public readonly record struct KafkaAppendOutcome(ErrorCode Error, string? Message, long BaseOffset, long LogAppendTime, long LogStartOffset);

/// <summary>One partition to read: <see cref="CurrentLeaderEpoch"/> is the client's view of the leader epoch (-1: unknown, not checked).</summary>
public readonly record struct KafkaFetchPartition(string Topic, int Partition, long Offset, int MaxBytes, int CurrentLeaderEpoch);

/// <summary>What a fetch found for one partition; <see cref="Records"/> is memory over the log, valid until the fetch's owner is disposed.</summary>
public readonly record struct KafkaFetchedPartition(ErrorCode Error, long HighWatermark, long LastStableOffset, long LogStartOffset, ReadOnlyMemory<byte> Records);

/// <summary>A fetch's results in request order, owning the segment references behind them.</summary>
public sealed record KafkaFetchResult(KafkaFetchedPartition[] Partitions, IDisposable Owner);

/// <summary>
/// Adapter: the produce, fetch and offset paths of partitions as the Kafka layer calls them. Batches go
/// to the same append as gRPC's produce (validated and stored verbatim); reads come from the same
/// zero-copy read as gRPC's fetch; only leaders answer, and acks=all completes when the high
/// watermark passes the batch.
/// </summary>
public sealed class KafkaPartitions(ReplicaManager replicas, FetchManager fetches, BrokerMetrics metrics, ILogger<KafkaPartitions> logger)
{
    /// <summary>
    /// Appends one partition's batches. The append itself happens before this returns (the produce
    /// handler relies on it to keep a connection's batches in order); only waiting for
    /// acknowledgements may complete later. <paramref name="acks"/> is Kafka's: 0, 1 or -1.
    /// </summary>
    public ValueTask<KafkaAppendOutcome> AppendAsync(string topic, int partition, ReadOnlyMemory<byte> records, short acks)
    {
        var lookup = replicas.Lookup(topic, partition);
        if (!lookup.Found)
        {
            return ValueTask.FromResult(Failed(lookup.Error, lookup.Message));
        }

        LeaderAppend append;
        try
        {
            append = lookup.Partition!.AppendAsLeader(records, acks == -1 ? RequiredAcks.All : acks == 0 ? RequiredAcks.None : RequiredAcks.Leader);
        }
        catch (IOException e)
        {
            logger.LogError(e, "Append to {Topic}-{Partition} failed", topic, partition);
            return ValueTask.FromResult(Failed(ErrorCode.KafkaStorageError, $"the broker could not write to disk: {e.Message}"));
        }

        var result = append.Result;
        if (result.Succeeded)
        {
            metrics.Appended(topic, records.Length, result.RecordCount);
        }
        else
        {
            metrics.PartitionError("Kafka.Produce", result.Error);
        }

        var outcome = new KafkaAppendOutcome(result.Error, result.ErrorMessage, result.FirstOffset, result.LogAppendTime, result.LogStartOffset);
        return append.Replicated is { } replicated ? AwaitReplicationAsync(outcome, replicated) : ValueTask.FromResult(outcome);
    }

    /// <summary>acks=all: the outcome once the high watermark passed the batch (the caller bounds the wait with the request's timeout).</summary>
    private async ValueTask<KafkaAppendOutcome> AwaitReplicationAsync(KafkaAppendOutcome appended, Task<ErrorCode> replicated)
    {
        var error = await replicated;
        if (error == ErrorCode.None)
        {
            return appended;
        }

        metrics.PartitionError("Kafka.Produce", error);
        return Failed(error, $"the batch was not replicated: {error}");
    }

    /// <summary>
    /// Long-poll fetch: at least <paramref name="minBytes"/> or until <paramref name="maxWait"/>. A stop
    /// of the broker (cancellation) answers with what is there rather than failing.
    /// </summary>
    public async Task<KafkaFetchResult> FetchAsync(IReadOnlyList<KafkaFetchPartition> partitions, int minBytes, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var results = new KafkaFetchedPartition[partitions.Count];
        var requests = new List<FetchPartitionRequest>(partitions.Count);
        var slots = new List<int>(partitions.Count);
        for (var i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i];
            var refusal = CheckEpoch(p.Topic, p.Partition, p.CurrentLeaderEpoch);
            if (refusal == ErrorCode.None && p.Offset < 0)
            {
                refusal = ErrorCode.OffsetOutOfRange;
            }

            if (refusal != ErrorCode.None)
            {
                results[i] = new KafkaFetchedPartition(refusal, -1, -1, -1, default);
                continue;
            }

            requests.Add(new FetchPartitionRequest(new TopicPartition(p.Topic, p.Partition), p.Offset, Math.Max(0, p.MaxBytes)));
            slots.Add(i);
        }

        FetchOutcome outcome;
        try
        {
            outcome = await fetches.FetchAsync(requests, minBytes, maxBytes <= 0 ? int.MaxValue : maxBytes, maxWait, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            outcome = await fetches.FetchAsync(requests, 0, maxBytes <= 0 ? int.MaxValue : maxBytes, TimeSpan.Zero, CancellationToken.None);
        }

        for (var j = 0; j < outcome.Results.Count; j++)
        {
            var result = outcome.Results[j];
            var read = result.Read;
            var unknown = result.Error is ErrorCode.UnknownTopicOrPartition or ErrorCode.InvalidTopicException;
            results[slots[j]] = unknown
                ? new KafkaFetchedPartition(result.Error, -1, -1, -1, default)
                : new KafkaFetchedPartition(result.Error, read.HighWatermark, read.HighWatermark, read.LogStartOffset, read.Records);
            if (result.Error != ErrorCode.None)
            {
                metrics.PartitionError("Kafka.Fetch", result.Error);
            }
            else if (!read.IsEmpty)
            {
                metrics.Served(result.TopicPartition.Topic, read.Records.Length, BatchCursor.CountRecords(read.Records.Span));
            }
        }

        return new KafkaFetchResult(results, outcome);
    }

    /// <summary>The offset for a timestamp, or the log start (-2) or high watermark (-1), with the leader epoch it falls in.</summary>
    public (ErrorCode Error, long Offset, long Timestamp, int LeaderEpoch) ListOffset(string topic, int partition, int currentLeaderEpoch, long timestamp)
    {
        var refusal = CheckEpoch(topic, partition, currentLeaderEpoch);
        if (refusal != ErrorCode.None)
        {
            return (refusal, -1, -1, -1);
        }

        var hosted = replicas.Lookup(topic, partition).Partition!;
        var (error, _, offset, found) = hosted.ListOffset(timestamp);
        if (error != ErrorCode.None || offset < 0)
        {
            return (error, -1, -1, -1);
        }

        return (ErrorCode.None, offset, found, timestamp < 0 ? hosted.LeaderEpoch : EpochAt(hosted.Log, offset));
    }

    /// <summary>Where <paramref name="leaderEpoch"/> ended in this partition's log: the largest epoch not above it and its end offset.</summary>
    public (ErrorCode Error, int LeaderEpoch, long EndOffset) EpochEndOffset(string topic, int partition, int currentLeaderEpoch, int leaderEpoch)
    {
        var lookup = replicas.Lookup(topic, partition);
        if (!lookup.Found)
        {
            return (lookup.Error, -1, -1);
        }

        var (error, _, epoch, end) = lookup.Partition!.EndOffsetForEpoch(leaderEpoch, currentLeaderEpoch >= 0 ? currentLeaderEpoch : null);
        return (error, epoch, end);
    }

    /// <summary>KIP-320: only the leader answers; a client ahead of its epoch is told UNKNOWN_LEADER_EPOCH, one behind FENCED_LEADER_EPOCH; -1 skips the check.</summary>
    private ErrorCode CheckEpoch(string topic, int partition, int currentLeaderEpoch)
    {
        var lookup = replicas.Lookup(topic, partition);
        if (!lookup.Found)
        {
            return lookup.Error;
        }

        var assignment = lookup.Partition!.Assignment;
        return assignment.Role != PartitionRole.Leader ? ErrorCode.NotLeaderOrFollower
            : currentLeaderEpoch < 0 || currentLeaderEpoch == assignment.LeaderEpoch ? ErrorCode.None
            : currentLeaderEpoch > assignment.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
            : ErrorCode.FencedLeaderEpoch;
    }

    private static int EpochAt(PartitionLog log, long offset)
    {
        var epoch = -1;
        foreach (var entry in log.LeaderEpochs.Entries)
        {
            if (entry.StartOffset > offset)
            {
                break;
            }

            epoch = entry.Epoch;
        }

        return epoch;
    }

    private static KafkaAppendOutcome Failed(ErrorCode error, string? message) => new(error, message, -1, -1, -1);
}
