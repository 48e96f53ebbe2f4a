namespace LogBroker.Storage.Log;

/// <summary>A segment as tools and metrics see it.</summary>
public readonly record struct SegmentInfo(long BaseOffset, long NextOffset, long SizeInBytes, long LargestTimestamp, bool IsActive);
