namespace LogBroker.Protocol;

/// <summary>The special "timestamps" of a ListOffsets request, as Kafka numbers them.</summary>
public static class OffsetSpecs
{
    /// <summary>The log start offset: the oldest record still kept.</summary>
    public const long Earliest = -2;

    /// <summary>The high watermark: where the next committed record will go.</summary>
    public const long Latest = -1;
}
