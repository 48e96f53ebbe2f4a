using LogBroker.Protocol.Errors;

namespace LogBroker.Client.Consuming;

/// <summary>What a fetcher brought back for one partition: batches fetched for a given generation of its position, or an error for the consumer to act on.</summary>
internal sealed record FetchedChunk(PartitionState State, int Generation, ReadOnlyMemory<byte> Records, long HighWatermark, ErrorCode Error, string? ErrorMessage);
