namespace LogBroker.Protocol.Batches;

/// <summary>Why a batch was refused. Each reason maps to one wire error code and message.</summary>
public enum BatchInvalidReason
{
    None = 0,
    Truncated,
    NegativeLength,
    LengthTooSmall,
    TooLarge,
    BadMagic,
    BadCrc,
    NegativeRecordCount,
    RecordCountMismatch,
    OffsetDeltaOutOfRange,
    MalformedRecord,
    UnsupportedCompression,
    MalformedCompression,
    DecompressedTooLarge,
    ControlBatchFromClient,
}
