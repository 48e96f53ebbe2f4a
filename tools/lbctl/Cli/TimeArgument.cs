using System.Globalization;

namespace LogBroker.Lbctl.Cli;

/// <summary>Points in time on the command line: ISO-8601 (e.g. 2026-01-01T00:00:00Z; no offset means UTC).</summary>
internal static class TimeArgument
{
    public static bool TryParse(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    public static DateTimeOffset Parse(string text, string optionName) =>
        TryParse(text, out var time)
            ? time
            : throw new UsageException($"{optionName} '{text}' is not an ISO-8601 time (e.g. 2026-01-01T00:00:00Z)");
}
