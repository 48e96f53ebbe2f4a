using LogBroker.Protocol.Errors;
using LogBroker.Storage.Segments;

namespace LogBroker.Storage.Log;

/// <summary>
/// Whole batches read from a log, as memory over the segment's map (no copy), plus the offsets a
/// fetch response reports. Holds a reference on the segment so the memory stays mapped: dispose it
/// exactly once, after the bytes have been consumed (written to the network, say). Copies of this
/// struct share the one reference.
/// </summary>
public readonly struct LogReadResult : IDisposable
{
    private readonly Segment? _lease;

    internal LogReadResult(ErrorCode error, string? errorMessage, ReadOnlyMemory<byte> records, long logStartOffset, long logEndOffset, long highWatermark, Segment? lease)
    {
        Error = error;
        ErrorMessage = errorMessage;
        Records = records;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
        HighWatermark = highWatermark;
        _lease = lease;
    }

    public ErrorCode Error { get; }

    public string? ErrorMessage { get; }

    /// <summary>Whole RecordBatch v2 batches, back to back; empty when nothing is there yet.</summary>
    public ReadOnlyMemory<byte> Records { get; }

    public long LogStartOffset { get; }

    public long LogEndOffset { get; }

    public long HighWatermark { get; }

    public bool IsEmpty => Records.IsEmpty;

    public void Dispose() => _lease?.Release();
}
