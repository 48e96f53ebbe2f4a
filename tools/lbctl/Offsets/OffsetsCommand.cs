using System.CommandLine;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;
using LogBroker.Protocol;

namespace LogBroker.Lbctl.Offsets;

/// <summary>
/// <c>lbctl offsets TOPIC [--time T]</c>: each partition's earliest offset (log start) and latest
/// (high watermark); with a time, also the first offset whose record is at or after it.
/// </summary>
internal static class OffsetsCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var topic = new Argument<string>("topic") { Description = "Topic to look up" };
        var time = new Option<string>("--time", "-t") { Description = "Also find, per partition, the first record at or after this ISO-8601 time (e.g. 2026-01-01T00:00:00Z)", HelpName = "time" };
        var command = new Command("offsets", "Show earliest and latest offsets per partition, and optionally the offset for a time") { topic, time };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var name = result.GetRequiredValue(topic);
            DateTimeOffset? at = result.GetValue(time) is { } text ? TimeArgument.Parse(text, "--time") : null;
            await using var admin = context.Admin();
            var partitions = await admin.PartitionsOfAsync(name, cancellationToken);
            var earliest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Earliest, cancellationToken);
            var latest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest, cancellationToken);
            var forTime = at is { } t ? await admin.ListOffsetsAsync(partitions, t.ToUnixTimeMilliseconds(), cancellationToken) : null;
            var rows = partitions
                .Select(p => new PartitionOffsets(
                    p.Partition,
                    earliest[p].Offset,
                    latest[p].Offset,
                    forTime is null ? null : new OffsetForTime(forTime[p].Offset, forTime[p].Offset < 0 ? null : forTime[p].Timestamp)))
                .ToList();
            if (context.IsJson)
            {
                context.WriteJson(new { topic = name, time = at?.ToUnixTimeMilliseconds(), partitions = rows });
                return ExitCodes.Ok;
            }

            var table = at is null
                ? new HumanTable("PARTITION", "EARLIEST", "LATEST")
                : new HumanTable("PARTITION", "EARLIEST", "LATEST", $"OFFSET AT {Formats.Timestamp(at.Value.ToUnixTimeMilliseconds())}", "RECORD TIME");
            foreach (var row in rows)
            {
                if (row.ForTime is { } found)
                {
                    table.Row(row.Partition, row.Earliest, row.Latest, found.Offset < 0 ? "none" : found.Offset, found.Timestamp is { } ts ? Formats.Timestamp(ts) : null);
                }
                else
                {
                    table.Row(row.Partition, row.Earliest, row.Latest);
                }
            }

            table.WriteTo(io.Console);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Earliest is the log start offset; latest the high watermark (the next offset a committed record gets).</summary>
    private sealed record PartitionOffsets(int Partition, long Earliest, long Latest, OffsetForTime? ForTime);

    /// <summary>The first record at or after the time asked for; offset -1 (and no timestamp) when every record is older.</summary>
    private sealed record OffsetForTime(long Offset, long? Timestamp);
}
