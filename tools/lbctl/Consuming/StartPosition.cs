using System.Globalization;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Consuming;

/// <summary>Where <c>consume --from</c> starts: the beginning, the end, an exact offset, or the first record at or after a time.</summary>
internal readonly record struct StartPosition(StartKind Kind, long Offset, DateTimeOffset Time)
{
    public static StartPosition Beginning => new(StartKind.Beginning, 0, default);

    public static StartPosition End => new(StartKind.End, 0, default);

    /// <summary>"beginning"/"earliest", "end"/"latest", a number (an offset), or an ISO-8601 time.</summary>
    public static StartPosition Parse(string text)
    {
        switch (text.ToLowerInvariant())
        {
            case "beginning" or "earliest":
                return Beginning;
            case "end" or "latest":
                return End;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new StartPosition(StartKind.Offset, offset, default);
        }

        return TimeArgument.TryParse(text, out var time)
            ? new StartPosition(StartKind.Time, 0, time)
            : throw new UsageException($"--from '{text}' is not beginning, end, an offset or an ISO-8601 time (e.g. 2026-01-01T00:00:00Z)");
    }
}

internal enum StartKind
{
    Beginning,
    End,
    Offset,
    Time,
}
