namespace LogBroker.Faultlab.Workload;

/// <summary>The kinds of broken promise readers record in a <see cref="ViolationLog"/>.</summary>
public static class Violations
{
    /// <summary>A batch served with a bad CRC, framing or record count.</summary>
    public const string Corrupt = "corrupt";

    /// <summary>Offsets served out of order or with a gap (no compaction runs in a campaign).</summary>
    public const string NotDense = "not-dense";

    /// <summary>A batch served with a lower leader epoch than one before it in the same partition.</summary>
    public const string EpochRegression = "epoch-regression";

    /// <summary>A reader was served an offset at or below one it had already been served, within one leader epoch (or, for a group member, within one assignment).</summary>
    public const string WentBack = "went-back";

    /// <summary>Records a reader had been served were later cut from the log (OFFSET_OUT_OF_RANGE below them).</summary>
    public const string Truncated = "truncated";

    /// <summary>A record whose value faultlab did not write.</summary>
    public const string Foreign = "foreign";
}
