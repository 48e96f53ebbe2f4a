using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Groups;

/// <summary>One partition's offset to commit.</summary>
public readonly record struct OffsetCommitEntry(TopicPartition Partition, long Offset, string Metadata);

/// <summary>The outcome for one partition of a commit.</summary>
public readonly record struct OffsetCommitOutcome(TopicPartition Partition, ErrorCode Error, string? Message);
