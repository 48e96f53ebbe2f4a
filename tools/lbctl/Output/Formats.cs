using System.Globalization;

namespace LogBroker.Lbctl.Output;

/// <summary>How numbers and times read in human output. JSON always carries the raw values.</summary>
internal static class Formats
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"0 B", "512 B", "1.5 KiB", "3.2 GiB".</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {Units[unit]}");
    }

    /// <summary>A timestamp in ms since the epoch as ISO-8601 UTC with milliseconds; "-" for none (-1).</summary>
    public static string Timestamp(long milliseconds) =>
        milliseconds < 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
