using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace LogBroker.Broker.Groups;

/// <summary>
/// A member's subscription by regular expression (.NET syntax, matched against whole topic names),
/// compiled once, when the subscription is set; a pattern that does not parse is refused there, so it
/// never reaches the group. Matching is bounded: a pattern that backtracks past
/// <see cref="MatchTimeout"/> on a topic name counts as not matching it, and each answer is remembered,
/// so such a pattern costs the timeout once per topic rather than on every heartbeat that recomputes
/// the group's subscriptions. Used under the owning group's gate.
/// </summary>
public sealed class TopicPattern
{
    public const int MaxLength = 4096;

    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Regex _regex;
    private readonly Dictionary<string, bool> _answers = new(StringComparer.Ordinal);

    private TopicPattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    public string Pattern { get; }

    /// <summary>Compiles <paramref name="pattern"/>, or says (in words a person can act on) why it cannot be used.</summary>
    public static bool TryParse(string pattern, [NotNullWhen(true)] out TopicPattern? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (pattern.Length > MaxLength)
        {
            error = $"the topic regular expression is {pattern.Length} characters long; the limit is {MaxLength}";
            return false;
        }

        try
        {
            // Parsed alone first, so that a pattern like "a)|(b" cannot escape the anchors added next.
            _ = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
            parsed = new TopicPattern(pattern, new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, MatchTimeout));
            error = null;
            return true;
        }
        catch (ArgumentException e)
        {
            error = $"'{pattern}' is not a valid regular expression: {e.Message}";
            return false;
        }
    }

    public bool IsMatch(string topic)
    {
        if (!_answers.TryGetValue(topic, out var match))
        {
            try
            {
                match = _regex.IsMatch(topic);
            }
            catch (RegexMatchTimeoutException)
            {
                match = false;
            }

            _answers[topic] = match;
        }

        return match;
    }
}
