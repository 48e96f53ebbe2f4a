using System.CommandLine;
using System.Globalization;

namespace LogBroker.Lbctl.Cli;

/// <summary>Range rules for numeric options, reported as parse errors (exit 2) next to the parser's own.</summary>
internal static class OptionRules
{
    /// <summary>
    /// Refuses a value below <paramref name="minimum"/>. Reads the token rather than the converted value:
    /// asking for the value of a token that does not convert ("three") throws instead of reporting.
    /// </summary>
    public static Option<T> AtLeast<T>(this Option<T> option, long minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1
                && long.TryParse(result.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && value < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum}");
            }
        });
        return option;
    }
}
