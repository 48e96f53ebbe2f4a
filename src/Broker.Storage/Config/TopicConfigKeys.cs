using System.Globalization;
using LogBroker.Protocol.Batches;

namespace LogBroker.Storage.Config;

/// <summary>
/// The topic config names operators and clients use (Kafka's names), and conversion between a
/// <see cref="LogConfig"/> and its string form with every value range-checked.
/// </summary>
public static class TopicConfigKeys
{
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentMs = "segment.ms";
    public const string RetentionMs = "retention.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string SegmentIndexBytes = "segment.index.bytes";
    public const string FlushMessages = "flush.messages";
    public const string FlushMs = "flush.ms";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string CleanupPolicy = "cleanup.policy";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
    public const string MinCompactionLagMs = "min.compaction.lag.ms";
    public const string MinInSyncReplicas = "min.insync.replicas";
    public const string UncleanLeaderElectionEnable = "unclean.leader.election.enable";

    public static IReadOnlyList<string> All { get; } =
    [
        SegmentBytes, SegmentMs, RetentionMs, RetentionBytes, MaxMessageBytes, IndexIntervalBytes,
        SegmentIndexBytes, FlushMessages, FlushMs, MessageTimestampType, CleanupPolicy,
        DeleteRetentionMs, MinCleanableDirtyRatio, MinCompactionLagMs, MinInSyncReplicas,
        UncleanLeaderElectionEnable,
    ];

    /// <summary>Applies overrides to <paramref name="baseConfig"/>; false with a message naming the bad entry.</summary>
    public static bool TryApply(LogConfig baseConfig, IEnumerable<KeyValuePair<string, string>> overrides, out LogConfig config, out string? error)
    {
        config = baseConfig;
        error = null;
        foreach (var (key, value) in overrides)
        {
            if (!TryApplyOne(config, key, value, out config, out error))
            {
                config = baseConfig;
                return false;
            }
        }

        if (config.MaxMessageBytes > config.SegmentBytes)
        {
            error = $"{MaxMessageBytes} ({config.MaxMessageBytes}) cannot exceed {SegmentBytes} ({config.SegmentBytes})";
            config = baseConfig;
            return false;
        }

        return true;
    }

    /// <summary>Every setting of <paramref name="config"/> by its topic config name.</summary>
    public static IReadOnlyDictionary<string, string> ToDictionary(LogConfig config) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SegmentBytes] = Format(config.SegmentBytes),
        [SegmentMs] = Format(config.SegmentMs),
        [RetentionMs] = Format(config.RetentionMs),
        [RetentionBytes] = Format(config.RetentionBytes),
        [MaxMessageBytes] = Format(config.MaxMessageBytes),
        [IndexIntervalBytes] = Format(config.IndexIntervalBytes),
        [SegmentIndexBytes] = Format(config.SegmentIndexBytes),
        [FlushMessages] = Format(config.FlushMessages),
        [FlushMs] = Format(config.FlushMs),
        [MessageTimestampType] = config.MessageTimestampType == TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime",
        [CleanupPolicy] = FormatPolicy(config.CleanupPolicy),
        [DeleteRetentionMs] = Format(config.DeleteRetentionMs),
        [MinCleanableDirtyRatio] = config.MinCleanableDirtyRatio.ToString(CultureInfo.InvariantCulture),
        [MinCompactionLagMs] = Format(config.MinCompactionLagMs),
        [MinInSyncReplicas] = Format(config.MinInSyncReplicas),
        [UncleanLeaderElectionEnable] = config.UncleanLeaderElectionEnable ? "true" : "false",
    };

    private static bool TryApplyOne(LogConfig config, string key, string value, out LogConfig result, out string? error)
    {
        result = config;
        error = null;
        switch (key)
        {
            case SegmentBytes when TryInt(value, 14 + 1024, int.MaxValue, out var v):
                result = config with { SegmentBytes = v };
                return true;
            case SegmentMs when TryLong(value, 1, long.MaxValue, out var v):
                result = config with { SegmentMs = v };
                return true;
            case RetentionMs when TryLong(value, -1, long.MaxValue, out var v):
                result = config with { RetentionMs = v };
                return true;
            case RetentionBytes when TryLong(value, -1, long.MaxValue, out var v):
                result = config with { RetentionBytes = v };
                return true;
            case MaxMessageBytes when TryInt(value, 0, int.MaxValue, out var v):
                result = config with { MaxMessageBytes = v };
                return true;
            case IndexIntervalBytes when TryInt(value, 0, int.MaxValue, out var v):
                result = config with { IndexIntervalBytes = v };
                return true;
            case SegmentIndexBytes when TryInt(value, 4096, int.MaxValue, out var v):
                result = config with { SegmentIndexBytes = v };
                return true;
            case FlushMessages when TryLong(value, 1, long.MaxValue, out var v):
                result = config with { FlushMessages = v };
                return true;
            case FlushMs when TryLong(value, 0, long.MaxValue, out var v):
                result = config with { FlushMs = v };
                return true;
            case MessageTimestampType when value is "CreateTime" or "LogAppendTime":
                result = config with { MessageTimestampType = value == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime };
                return true;
            case CleanupPolicy when TryPolicy(value, out var v):
                result = config with { CleanupPolicy = v };
                return true;
            case DeleteRetentionMs when TryLong(value, 0, long.MaxValue, out var v):
                result = config with { DeleteRetentionMs = v };
                return true;
            case MinCleanableDirtyRatio when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1:
                result = config with { MinCleanableDirtyRatio = v };
                return true;
            case MinCompactionLagMs when TryLong(value, 0, long.MaxValue, out var v):
                result = config with { MinCompactionLagMs = v };
                return true;
            case MinInSyncReplicas when TryInt(value, 1, int.MaxValue, out var v):
                result = config with { MinInSyncReplicas = v };
                return true;
            case UncleanLeaderElectionEnable when value is "true" or "false":
                result = config with { UncleanLeaderElectionEnable = value == "true" };
                return true;
        }

        error = All.Contains(key)
            ? $"'{value}' is not a valid value for {key}{Hint(key)}"
            : $"unknown topic config '{key}' (known: {string.Join(", ", All)})";
        return false;
    }

    private static string Hint(string key) => key switch
    {
        MessageTimestampType => " (CreateTime or LogAppendTime)",
        CleanupPolicy => " (delete, compact, or compact,delete)",
        MinCleanableDirtyRatio => " (a number from 0 to 1)",
        UncleanLeaderElectionEnable => " (true or false)",
        SegmentBytes => " (at least 1038 bytes)",
        RetentionMs or RetentionBytes => " (-1 for unlimited, or a non-negative number)",
        _ => " (a non-negative integer)",
    };

    private static bool TryInt(string s, int min, int max, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryLong(string s, long min, long max, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryPolicy(string s, out CleanupPolicy policy)
    {
        policy = 0;
        foreach (var part in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part)
            {
                case "delete": policy |= Config.CleanupPolicy.Delete; break;
                case "compact": policy |= Config.CleanupPolicy.Compact; break;
                default: return false;
            }
        }

        return policy != 0;
    }

    private static string FormatPolicy(CleanupPolicy policy) => policy switch
    {
        Config.CleanupPolicy.Delete => "delete",
        Config.CleanupPolicy.Compact => "compact",
        _ => "compact,delete",
    };

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
