namespace LogBroker.Storage.Config;

/// <summary>What happens to old data: deleted by retention, compacted to the latest value per key, or both.</summary>
[Flags]
public enum CleanupPolicy
{
    Delete = 1,
    Compact = 2,
}
