using System.Text;

namespace LogBroker.Lbctl.Producing;

/// <summary>
/// One input line as a record, Kafka console-producer style: with a key separator, the text before
/// its first occurrence is the key and the rest the value; without one, the whole line is the value
/// and the key is null.
/// </summary>
internal readonly record struct KeyedLine(byte[]? Key, byte[] Value)
{
    /// <summary>Splits <paramref name="line"/>; false when a separator is expected but the line has none.</summary>
    public static bool TryParse(string line, string? keySeparator, out KeyedLine record)
    {
        if (keySeparator is null)
        {
            record = new KeyedLine(null, Encoding.UTF8.GetBytes(line));
            return true;
        }

        var at = line.IndexOf(keySeparator, StringComparison.Ordinal);
        if (at < 0)
        {
            record = default;
            return false;
        }

        record = new KeyedLine(Encoding.UTF8.GetBytes(line[..at]), Encoding.UTF8.GetBytes(line[(at + keySeparator.Length)..]));
        return true;
    }
}
