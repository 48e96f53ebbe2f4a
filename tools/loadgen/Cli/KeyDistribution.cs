using System.Globalization;

namespace LogBroker.Loadgen.Cli;

/// <summary>
/// Which keys records carry: none (a null key, so the producer spreads records sticky per batch), or
/// <see cref="DistinctKeys"/> distinct keys chosen uniformly at random (so the key's hash picks the partition).
/// </summary>
public readonly record struct KeyDistribution(int DistinctKeys)
{
    public static readonly KeyDistribution None = new(0);

    public bool HasKeys => DistinctKeys > 0;

    /// <summary>Parses <c>none</c> or <c>uniform:N</c> (N ≥ 1).</summary>
    public static bool TryParse(string text, out KeyDistribution keys, out string error)
    {
        keys = None;
        error = string.Empty;
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        const string Uniform = "uniform:";
        if (text.StartsWith(Uniform, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(Uniform.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1)
        {
            keys = new KeyDistribution(n);
            return true;
        }

        error = $"--keys must be 'none' or 'uniform:N' with N at least 1, not '{text}'";
        return false;
    }

    public override string ToString() => HasKeys ? $"uniform:{DistinctKeys}" : "none";
}
