using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// This broker's replica of a partition, as leader: appends producer batches under its leader epoch,
/// keeps the high watermark (with one replica it follows the log end), and wakes fetches and
/// subscriptions waiting for data. Thread-safe: the log serialises appends; reads are lock-free.
/// </summary>
public sealed class Partition
{
    public Partition(TopicPartition topicPartition, PartitionLog log, int leaderId, int leaderEpoch)
    {
        TopicPartition = topicPartition;
        Log = log;
        LeaderId = leaderId;
        LeaderEpoch = leaderEpoch;
        Replicas = [leaderId];
    }

    public TopicPartition TopicPartition { get; }

    public PartitionLog Log { get; }

    public int LeaderId { get; }

    public int LeaderEpoch { get; }

    public IReadOnlyList<int> Replicas { get; }

    /// <summary>The in-sync replicas; with replication factor 1, just the leader.</summary>
    public IReadOnlyList<int> InSyncReplicas => Replicas;

    public AppendNotifier Notifier { get; } = new();

    public AppendResult AppendAsLeader(ReadOnlyMemory<byte> batches, RequiredAcks acks)
    {
        var minInSync = Log.Config.MinInSyncReplicas;
        if (acks == RequiredAcks.All && InSyncReplicas.Count < minInSync)
        {
            return AppendResult.Failed(
                ErrorCode.NotEnoughReplicas,
                $"{TopicPartition} has {InSyncReplicas.Count} in-sync replica(s); min.insync.replicas is {minInSync}",
                Log.LogStartOffset);
        }

        var result = Log.Append(batches, LeaderEpoch);
        if (result.Succeeded)
        {
            // One replica: everything appended is replicated everywhere it needs to be.
            Log.UpdateHighWatermark(Log.LogEndOffset);
            Notifier.Notify();
        }

        return result;
    }

    /// <summary>A consumer's read: whole batches, never past the high watermark.</summary>
    public LogReadResult Read(long offset, int maxBytes) => Log.Read(offset, maxBytes);
}
