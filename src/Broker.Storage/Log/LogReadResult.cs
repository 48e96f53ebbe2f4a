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

    /// <summary>An error result carrying the log's current offsets (a refused read still tells where the log is).</summary>
    public static LogReadResult Failed(ErrorCode error, string message, PartitionLog log) =>
        new(error, message, default, log.LogStartOffset, log.LogEndOffset, log.HighWatermark, null);

    /// <summary>The same read (and the same segment reference: dispose only one of the two) reporting a newer high watermark.</summary>
    public LogReadResult WithHighWatermark(long highWatermark) =>
        new(Error, ErrorMessage, Records, LogStartOffset, LogEndOffset, highWatermark, _lease);

    public void Dispose() => _lease?.Release();
}
