namespace LogBroker.Broker.Groups;

/// <summary>A group's committed position in a partition: the next offset to consume, with the committer's metadata.</summary>
public readonly record struct CommittedOffset(long Offset, string Metadata, long CommitTimestampMs);
