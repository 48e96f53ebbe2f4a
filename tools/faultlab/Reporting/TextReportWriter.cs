using System.Globalization;

namespace LogBroker.Faultlab.Reporting;

/// <summary>The report as a person reads it at the end of a run (stdout); its last line is <see cref="CampaignReport.SummaryLine"/>.</summary>
public static class TextReportWriter
{
    public static void Write(CampaignReport r, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"faultlab run {r.RunId}, seed {r.Seed}: {r.Brokers} broker(s), topic '{r.Topic}' ({r.Partitions} partition(s), {r.ReplicationFactor} replica(s)), {r.RecordsPerSecond:N0} records/s of {r.RecordSize} bytes, {r.Consumers} group member(s); ran {r.ElapsedSeconds:F1} s"));
        output.WriteLine("  " + r.Network);
        output.WriteLine("  faults: " + (r.FaultKinds.Count == 0 ? "none" : string.Join(", ", r.FaultKinds)));
        foreach (var note in r.Notes)
        {
            output.WriteLine("  note: " + note);
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"fault",-44} {"start",8} {"healed",8} {"unavailable",12} {"last ack",9} {"first ack",10} {"lost",6}"));
        foreach (var (fault, impact) in r.Faults)
        {
            output.WriteLine(string.Create(c, $"{Trim($"#{fault.Index} {fault.Description}", 44),-44} {fault.StartSeconds,8:F1} {fault.EndSeconds,8:F1} {impact.UnavailableSeconds,11:F2}s {Seconds(impact.LastAckBeforeSeconds),9} {Seconds(impact.FirstAckAfterSeconds),10} {impact.LostNearby,6}"));
            if (fault.Problem is { } problem)
            {
                output.WriteLine("    PROBLEM: " + problem);
            }
        }

        output.WriteLine();
        foreach (var p in r.Producers)
        {
            var failed = p.FailedByCode.Count == 0 ? string.Empty : " (" + string.Join(", ", p.FailedByCode.Select(f => string.Create(c, $"{f.Key} {f.Value:N0}"))) + ")";
            output.WriteLine(string.Create(c, $"producer {p.Name,-16} acks={p.Acks,-6} {(p.Idempotent ? "idempotent" : "not idempotent"),-14} sent {p.Sent,9:N0}  acked {p.Acked,9:N0}  failed {p.Failed,7:N0}{failed}"));
        }

        output.WriteLine(string.Create(c, $"group    {r.Consumers} member(s) consumed {r.Consumed:N0} records, {r.ConsumerRestarts} client restart(s); committed offsets: {string.Join(", ", r.CommittedOffsets.OrderBy(o => o.Key).Select(o => $"p{o.Key}={o.Value}"))}"));
        output.WriteLine(string.Create(c, $"end offsets {string.Join(", ", r.EndOffsets.Select((o, p) => $"p{p}={o}"))}"));
        output.WriteLine(r.Errors.Count == 0
            ? "failed requests: none"
            : "failed requests: " + string.Join("; ", r.Errors.Select(e => string.Create(c, $"{e.Source}: {e.Code} {e.Count:N0}"))));
        output.WriteLine();
        foreach (var check in r.Checks)
        {
            var mark = check.Failed ? "FAIL" : check.Count > 0 ? "note" : "ok";
            output.WriteLine(string.Create(c, $"{mark,-5}{check.Name,-20}{check.Count,8:N0}  {check.Meaning}"));
            foreach (var example in check.Examples)
            {
                output.WriteLine("       " + example);
            }
        }

        output.WriteLine();
        output.WriteLine($"reports and broker logs: {r.OutputDirectory}");
        if (!r.Passed)
        {
            output.WriteLine(string.Create(c, $"seed {r.Seed}; replay with: {r.ReplayCommand}"));
        }

        output.WriteLine(r.SummaryLine);
    }

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Trim(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
