namespace LogBroker.Storage.Segments;

/// <summary>What a segment needs to know about a batch it appends: its offsets, newest timestamp and size.</summary>
internal readonly record struct AppendedBatch(long BaseOffset, long LastOffset, long MaxTimestamp, int SizeInBytes, int PartitionLeaderEpoch);
