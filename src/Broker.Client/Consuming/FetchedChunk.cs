using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;

namespace LogBroker.Client.Consuming;

/// <summary>
/// What a fetcher brought back for one partition: batches fetched for a given generation of its
/// position, or an error for the consumer to act on. <see cref="Records"/> is a slice of
/// <see cref="Buffer"/>, on which the chunk holds one reference: whoever ends up with the chunk
/// calls <see cref="Release"/> once done with it.
/// </summary>
internal sealed record FetchedChunk(PartitionState State, int Generation, ReadOnlyMemory<byte> Records, long HighWatermark, ErrorCode Error, string? ErrorMessage, RecordsBuffer? Buffer = null)
{
    public void Release() => Buffer?.Release();
}
