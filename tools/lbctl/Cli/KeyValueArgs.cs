namespace LogBroker.Lbctl.Cli;

/// <summary>Reads repeatable <c>key=value</c> options (--config, --set, --header).</summary>
internal static class KeyValueArgs
{
    /// <summary>Splits each item at its first '='; the value may be empty and may itself contain '='.</summary>
    public static List<KeyValuePair<string, string>> Parse(IEnumerable<string>? items, string optionName)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in items ?? [])
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{optionName} '{item}' is not key=value");
            }

            pairs.Add(KeyValuePair.Create(item[..equals], item[(equals + 1)..]));
        }

        return pairs;
    }

    /// <summary>As <see cref="Parse"/>, where each key may appear once (configs).</summary>
    public static Dictionary<string, string> ParseUnique(IEnumerable<string>? items, string optionName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Parse(items, optionName))
        {
            if (!result.TryAdd(key, value))
            {
                throw new UsageException($"{optionName} sets '{key}' more than once");
            }
        }

        return result;
    }
}
