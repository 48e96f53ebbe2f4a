using LogBroker.Protocol;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// One partition of a fetch: where to read from, at most how much, and the leader epoch the fetcher
/// believes current (null: not checked).
/// </summary>
public readonly record struct FetchPartitionRequest(TopicPartition TopicPartition, long Offset, int MaxBytes, int? CurrentLeaderEpoch = null);
