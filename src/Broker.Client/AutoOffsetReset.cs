namespace LogBroker.Client;

/// <summary>Where to start when there is no position, or the position is outside the log (Kafka's auto.offset.reset).</summary>
public enum AutoOffsetReset
{
    /// <summary>The oldest record still kept.</summary>
    Earliest,

    /// <summary>The end: only new records.</summary>
    Latest,

    /// <summary>Fail with OFFSET_OUT_OF_RANGE.</summary>
    Error,
}
