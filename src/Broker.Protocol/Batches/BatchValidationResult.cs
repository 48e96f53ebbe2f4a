using LogBroker.Protocol.Errors;

namespace LogBroker.Protocol.Batches;

/// <summary>The verdict on one batch (or a run of batches): valid, or the reason and a message a person can act on.</summary>
public readonly record struct BatchValidationResult(BatchInvalidReason Reason, string? Message)
{
    public static BatchValidationResult Valid => default;

    public bool IsValid => Reason == BatchInvalidReason.None;

    public ErrorCode ErrorCode => Reason switch
    {
        BatchInvalidReason.None => ErrorCode.None,
        BatchInvalidReason.TooLarge or BatchInvalidReason.DecompressedTooLarge => ErrorCode.MessageTooLarge,
        BatchInvalidReason.BadMagic => ErrorCode.UnsupportedForMessageFormat,
        BatchInvalidReason.UnsupportedCompression => ErrorCode.UnsupportedCompressionType,
        BatchInvalidReason.RecordCountMismatch
            or BatchInvalidReason.OffsetDeltaOutOfRange
            or BatchInvalidReason.MalformedRecord
            or BatchInvalidReason.NegativeRecordCount
            or BatchInvalidReason.ControlBatchFromClient => ErrorCode.InvalidRecord,
        _ => ErrorCode.CorruptMessage,
    };

    public static BatchValidationResult Fail(BatchInvalidReason reason, string message) => new(reason, message);
}
