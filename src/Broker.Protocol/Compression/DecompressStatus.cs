namespace LogBroker.Protocol.Compression;

/// <summary>The outcome of expanding a compressed records section where bad input is expected (a producer's batch).</summary>
public enum DecompressStatus
{
    Ok,

    /// <summary>The bytes are not a valid block of the codec.</summary>
    Malformed,

    /// <summary>The block would expand past the caller's limit; decoding stopped there.</summary>
    TooLarge,
}
