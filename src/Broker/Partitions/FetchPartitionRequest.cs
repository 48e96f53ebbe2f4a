using LogBroker.Protocol;

namespace LogBroker.Broker.Partitions;

/// <summary>One partition of a fetch: where to read from and at most how much.</summary>
public readonly record struct FetchPartitionRequest(TopicPartition TopicPartition, long Offset, int MaxBytes);
