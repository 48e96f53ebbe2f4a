using LogBroker.Protocol.Errors;

namespace LogBroker.Storage.Log;

/// <summary>
/// The outcome of an append: the offsets given to the records, or why nothing was appended. An
/// error is an expected outcome (bad input), not an exception; the log is unchanged by it.
/// </summary>
public readonly record struct AppendResult(
    ErrorCode Error,
    string? ErrorMessage,
    long FirstOffset,
    long LastOffset,
    long LogAppendTime,
    long LogStartOffset,
    int RecordCount)
{
    public bool Succeeded => Error == ErrorCode.None;

    public static AppendResult Failed(ErrorCode error, string message, long logStartOffset) =>
        new(error, message, -1, -1, -1, logStartOffset, 0);
}
