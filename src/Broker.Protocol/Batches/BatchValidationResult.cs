using LogBroker.Protocol.Errors;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// The verdict on one batch (or a run of batches): valid, or the reason and a message a person can act
/// on. Several reasons share a wire error code (Kafka's numbers), so the message ends by naming the
/// reason itself (<see cref="Describe"/>) and callers that need it keep <see cref="Reason"/>.
/// </summary>
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

    public static BatchValidationResult Fail(BatchInvalidReason reason, string message) => new(reason, $"{message} ({Named(reason)})");

    /// <summary>How a failure message names its reason, at its end: "(reason: bad CRC)".</summary>
    public static string Named(BatchInvalidReason reason) => $"reason: {Describe(reason)}";

    /// <summary>The reason in a few words.</summary>
    public static string Describe(BatchInvalidReason reason) => reason switch
    {
        BatchInvalidReason.None => "valid",
        BatchInvalidReason.Truncated => "truncated",
        BatchInvalidReason.NegativeLength => "negative length",
        BatchInvalidReason.LengthTooSmall => "length too small",
        BatchInvalidReason.TooLarge => "over max.message.bytes",
        BatchInvalidReason.BadMagic => "wrong magic",
        BatchInvalidReason.BadCrc => "bad CRC",
        BatchInvalidReason.NegativeRecordCount => "negative record count",
        BatchInvalidReason.RecordCountMismatch => "record count mismatch",
        BatchInvalidReason.OffsetDeltaOutOfRange => "offset delta out of range",
        BatchInvalidReason.MalformedRecord => "malformed record",
        BatchInvalidReason.UnsupportedCompression => "unsupported compression",
        BatchInvalidReason.ControlBatchFromClient => "control batch from a producer",
        BatchInvalidReason.MalformedCompression => "malformed compressed records",
        BatchInvalidReason.DecompressedTooLarge => "expands too large",
        _ => reason.ToString(),
    };
}
