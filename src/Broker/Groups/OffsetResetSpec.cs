namespace LogBroker.Broker.Groups;

/// <summary>Where a group offset reset moves each partition.</summary>
public enum OffsetResetKind
{
    Earliest,
    Latest,
    Timestamp,
    Offset,
    ShiftBy,
}

/// <summary>A reset: the kind, and its value (timestamp ms, offset, or shift) where the kind takes one.</summary>
public readonly record struct OffsetResetSpec(OffsetResetKind Kind, long Value = 0);
