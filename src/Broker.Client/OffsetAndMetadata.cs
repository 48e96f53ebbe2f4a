namespace LogBroker.Client;

/// <summary>A group's committed position in a partition: the next offset to consume, the metadata committed with it, and when the coordinator stored it.</summary>
public readonly record struct OffsetAndMetadata(long Offset, string Metadata, DateTimeOffset CommitTimestamp);
