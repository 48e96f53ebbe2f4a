using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;

namespace LogBroker.Storage.Log;

/// <summary>
/// The outcome of an append: the offsets given to the records, or why nothing was appended. An
/// error is an expected outcome (bad input), not an exception; the log is unchanged by it. When the
/// batches themselves were refused, <see cref="InvalidReason"/> says exactly why (bad CRC, negative
/// length and truncation all travel as CORRUPT_MESSAGE, for instance). Idempotent producers' batches
/// may also be refused by their sequence and epoch (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH,
/// UNKNOWN_PRODUCER_ID, DUPLICATE_SEQUENCE_NUMBER, INVALID_RECORD) or recognised as a retry
/// (<see cref="IsDuplicate"/>).
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

    /// <summary>
    /// True when the batches were a producer's retry of batches already in the log (same producer id,
    /// epoch and sequence range as one of its last five): nothing was appended, and
    /// <see cref="FirstOffset"/> and <see cref="LastOffset"/> are where the originals were stored.
    /// <see cref="RecordCount"/> is then 0.
    /// </summary>
    public bool IsDuplicate { get; init; }

    /// <summary>Why validation refused the batches; <see cref="BatchInvalidReason.None"/> for success and for other errors.</summary>
    public BatchInvalidReason InvalidReason { get; init; }

    public static AppendResult Failed(ErrorCode error, string message, long logStartOffset) =>
        new(error, message, -1, -1, -1, logStartOffset, 0);

    public static AppendResult Failed(in BatchValidationResult verdict, long logStartOffset) =>
        Failed(verdict.ErrorCode, verdict.Message!, logStartOffset) with { InvalidReason = verdict.Reason };
}
