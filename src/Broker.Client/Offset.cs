namespace LogBroker.Client;

/// <summary>Special positions a partition can be assigned at, besides an exact offset.</summary>
public static class Offset
{
    /// <summary>The oldest record still in the log.</summary>
    public const long Beginning = -2;

    /// <summary>The end of the log: only records produced from now on.</summary>
    public const long End = -1;

    /// <summary>The group's committed offset, or <see cref="ConsumerOptions.AutoOffsetReset"/> when there is none.</summary>
    public const long Stored = -1000;
}
