using LogBroker.Protocol;

namespace LogBroker.Client.Admin;

/// <summary>A topic as the cluster describes it: partitions with their offsets and sizes, and every effective config.</summary>
public sealed record TopicDescription(
    string Name,
    string TopicId,
    bool IsInternal,
    IReadOnlyList<PartitionDescription> Partitions,
    IReadOnlyDictionary<string, string> Configs,
    IReadOnlySet<string> OverriddenConfigs)
{
    public long SizeInBytes => Partitions.Sum(p => p.SizeInBytes);
}

/// <summary>One partition: leader and replicas, log start and end offsets, high watermark, bytes and segments on disk.</summary>
public sealed record PartitionDescription(
    TopicPartition TopicPartition,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> InSyncReplicas,
    long LogStartOffset,
    long LogEndOffset,
    long HighWatermark,
    long SizeInBytes,
    int SegmentCount);

/// <summary>A topic in a listing.</summary>
public sealed record TopicListing(string Name, int Partitions, bool IsInternal);

/// <summary>The cluster: its id, the controller, and the brokers clients can reach.</summary>
public sealed record ClusterDescription(string ClusterId, int ControllerId, IReadOnlyList<BrokerDescription> Brokers);

public sealed record BrokerDescription(int NodeId, string Address);

/// <summary>An offset found by ListOffsets; <see cref="Timestamp"/> is -1 unless looked up by time, and <see cref="Offset"/> -1 when no record is that recent.</summary>
public readonly record struct ListedOffset(long Offset, long Timestamp);
