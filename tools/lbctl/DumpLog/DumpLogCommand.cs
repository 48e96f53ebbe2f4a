using System.CommandLine;
using System.Globalization;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// <c>lbctl dump-log FILE [--records]</c>: decode a segment file offline, batch by batch, like Kafka's
/// kafka-dump-log. Exit 3 when damage was found, so scripts can tell a clean file from a damaged one.
/// </summary>
internal static class DumpLogCommand
{
    private const string Description =
        "Decode a segment .log file offline, batch by batch, like kafka-dump-log; safe on files a running broker has open. " +
        "Exit code 3 when damage is found (bad CRC, invalid batch, unreadable records, torn tail, zeros with data after them)";

    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var file = new Argument<string>("file") { Description = "A segment file, e.g. data/orders-0/00000000000000000000.log" };
        var records = new Option<bool>("--records", "-r") { Description = "Also print every record: offset, timestamp, key, value, headers (decompressed if needed)" };
        var command = new Command("dump-log", Description) { file, records };
        CommandAction.Set(command, io, global, (result, context, _) =>
        {
            var path = result.GetRequiredValue(file);
            using var scanner = new SegmentScanner(path);
            using var json = context.IsJson ? new DumpJsonWriter(io.Output) : null;
            IDumpWriter writer = json ?? (IDumpWriter)new DumpTextWriter(io.Output);
            var summary = new DumpSummary();
            writer.Begin(path, SegmentBaseOffset(path), scanner.Length);
            foreach (var batch in scanner.Scan(result.GetValue(records)))
            {
                summary.Add(batch);
                writer.Batch(batch);
            }

            var end = scanner.End!;
            writer.End(end, summary);
            if (summary.DamagedBatches == 0 && !end.IsDamage)
            {
                return Task.FromResult(ExitCodes.Ok);
            }

            var stop = end.Kind == ScanEndKind.ZeroedGap ? "zeroed gap" : "torn tail";
            context.WriteError($"damage found in {path}: {summary.DamagedBatches} damaged batch(es){(end.IsDamage ? $", {stop} at position {end.Position}" : string.Empty)}");
            return Task.FromResult(ExitCodes.DamageFound);
        });
        return command;
    }

    /// <summary>The base offset a segment file is named for (20 digits + .log), as the broker names them.</summary>
    private static long? SegmentBaseOffset(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length == 24 && name.EndsWith(".log", StringComparison.Ordinal) && long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var baseOffset)
            ? baseOffset
            : null;
    }
}
