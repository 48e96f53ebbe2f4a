using System.CommandLine;
using LogBroker.Client.Admin;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Groups;

/// <summary>
/// The five ways <c>group reset</c> can say where offsets go, of which a command line gives exactly
/// one (as Kafka's kafka-consumer-groups --reset-offsets), and how the chosen one reads as the client's
/// <see cref="OffsetResetTarget"/> and value.
/// </summary>
internal sealed class ResetTargetOptions
{
    public ResetTargetOptions()
    {
        ToOffset.AtLeast(0);
    }

    public Option<bool> ToEarliest { get; } = new("--to-earliest") { Description = "Move to each partition's log start offset (re-read everything still kept)" };

    public Option<bool> ToLatest { get; } = new("--to-latest") { Description = "Move to each partition's high watermark (skip everything produced so far)" };

    public Option<string> ToDatetime { get; } = new("--to-datetime") { Description = "Move to the first record at or after this ISO-8601 time (e.g. 2026-01-01T00:00:00Z); the high watermark where every record is older", HelpName = "time" };

    public Option<long> ToOffset { get; } = new("--to-offset") { Description = "Move to this offset, clamped to what each partition's log holds", HelpName = "offset" };

    public Option<long> ShiftBy { get; } = new("--shift-by") { Description = "Move each committed offset by N (negative goes back), clamped to the log; partitions without a commit start from the high watermark", HelpName = "N" };

    public IEnumerable<Option> All => [ToEarliest, ToLatest, ToDatetime, ToOffset, ShiftBy];

    /// <summary>The one target given; throws <see cref="UsageException"/> for none or several.</summary>
    public (OffsetResetTarget Target, long Value) Read(ParseResult result)
    {
        var given = All.Where(o => IsGiven(result, o)).Select(o => o.Name).ToList();
        if (given.Count != 1)
        {
            var choices = string.Join(", ", All.Select(o => o.Name));
            throw new UsageException(given.Count == 0
                ? $"say where to move the offsets: give one of {choices}"
                : $"give only one of {choices} (got {string.Join(" and ", given)})");
        }

        return given[0] switch
        {
            "--to-earliest" => (OffsetResetTarget.Earliest, 0),
            "--to-latest" => (OffsetResetTarget.Latest, 0),
            "--to-datetime" => (OffsetResetTarget.Timestamp, TimeArgument.Parse(result.GetRequiredValue(ToDatetime), "--to-datetime").ToUnixTimeMilliseconds()),
            "--to-offset" => (OffsetResetTarget.Offset, result.GetValue(ToOffset)),
            _ => (OffsetResetTarget.ShiftBy, result.GetValue(ShiftBy)),
        };
    }

    /// <summary>On the command line, and for a flag not switched off explicitly ("--to-latest false").</summary>
    private static bool IsGiven(ParseResult result, Option option) =>
        result.GetResult(option) is not null && (option is not Option<bool> flag || result.GetValue(flag));
}
