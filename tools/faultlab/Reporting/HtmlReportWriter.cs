using System.Globalization;
using System.Text;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Tools.Reporting;

namespace LogBroker.Faultlab.Reporting;

/// <summary>
/// A self-contained HTML page of one campaign, like the timeline plots of a Jepsen report: the verdict,
/// every check, the faults as shaded bands with throughput and acknowledgement latency over time under
/// them, the faults' measured unavailability, failed requests by error code. Inline SVG, no script, no
/// external resource.
/// </summary>
public static class HtmlReportWriter
{
    public static Task WriteAsync(CampaignReport report, string path) => File.WriteAllTextAsync(path, Render(report), Encoding.UTF8);

    public static string Render(CampaignReport r)
    {
        var html = new StringBuilder();
        var verdict = r.Passed ? "PASS" : "FAIL";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(Invariant($"<title>faultlab {Html.Text(r.RunId)} seed {r.Seed}: {verdict}</title>\n"));
        html.Append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}th{background:#f4f4f4}td.l,th.l{text-align:left}"
            + "code{background:#f4f4f4;padding:2px 4px}.fail{color:#b00;font-weight:bold}.pass{color:#070;font-weight:bold}small{color:#666}</style>\n</head>\n<body>\n");
        html.Append(Invariant($"<h1>faultlab run {Html.Text(r.RunId)}: <span class=\"{(r.Passed ? "pass" : "fail")}\" id=\"verdict\">{verdict}</span></h1>\n"));
        html.Append(Invariant($"<p><code>{Html.Text(r.SummaryLine)}</code></p>\n"));
        html.Append(Invariant($"<p>Seed {r.Seed}. Replay: <code>{Html.Text(r.ReplayCommand)}</code></p>\n"));
        html.Append(Invariant($"<p>Started {r.StartedAt:u}, ran {r.ElapsedSeconds:F1} s (workload from +{r.WorkloadStartSeconds:F1} s). {r.Brokers} broker(s), topic <code>{Html.Text(r.Topic)}</code> with {r.Partitions} partition(s) and {r.ReplicationFactor} replica(s); {r.RecordsPerSecond:N0} records/s of {r.RecordSize} bytes; {r.Consumers} group member(s). {Html.Text(r.Network)}.</p>\n"));
        if (r.Notes.Count > 0)
        {
            html.Append("<ul>\n");
            foreach (var note in r.Notes)
            {
                html.Append(Invariant($"<li>{Html.Text(note)}</li>\n"));
            }

            html.Append("</ul>\n");
        }

        AppendChecks(html, r);
        AppendCharts(html, r);
        AppendFaults(html, r);
        AppendProducersAndErrors(html, r);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendChecks(StringBuilder html, CampaignReport r)
    {
        html.Append("<h2>Checks</h2>\n<table id=\"checks\">\n<tr><th class=\"l\">check</th><th>count</th><th class=\"l\">result</th><th class=\"l\">meaning and first cases</th></tr>\n");
        foreach (var check in r.Checks)
        {
            var result = check.Failed ? "<span class=\"fail\">FAIL</span>" : check.FailsCampaign ? "ok" : "measured";
            var examples = string.Concat(check.Examples.Select(e => "<br><small>" + Html.Text(e) + "</small>"));
            html.Append(Invariant($"<tr><td class=\"l\">{Html.Text(check.Name)}</td><td>{check.Count:N0}</td><td class=\"l\">{result}</td><td class=\"l\">{Html.Text(check.Meaning)}{examples}</td></tr>\n"));
        }

        html.Append("</table>\n");
    }

    private static void AppendCharts(StringBuilder html, CampaignReport r)
    {
        var throughput = new SvgLineChart("throughput-chart", "seconds since start", "records/s", SvgLineChart.XAxis.Linear).WithXMax(r.ElapsedSeconds);
        var latency = new SvgLineChart("latency-chart", "seconds since start", "ack latency (ms)", SvgLineChart.XAxis.Linear).WithXMax(r.ElapsedSeconds);
        foreach (var chart in new[] { throughput, latency })
        {
            foreach (var (fault, _) in r.Faults)
            {
                chart.AddBand($"#{fault.Index} {fault.Kind.Name()}", $"#{fault.Index} {fault.Description}", ColorOf(fault.Kind), fault.StartSeconds, fault.EndSeconds);
            }
        }

        var points = r.Timeline;
        throughput.Add("acked, acks=all", "#1f77b4", points.Select(p => (p.Second + 0.5, (double)p.AckedAll)));
        throughput.Add("acked, acks=leader", "#2ca02c", points.Select(p => (p.Second + 0.5, (double)p.AckedLeader)), dashed: true);
        throughput.Add("consumed (group)", "#ff7f0e", points.Select(p => (p.Second + 0.5, (double)p.Consumed)), dashed: true);
        throughput.Add("delivery failed", "#d62728", points.Select(p => (p.Second + 0.5, (double)p.Failed)));
        // Seconds without any acknowledgement have no latency: the lines break there rather than bridge the outage.
        latency.Add("p50", "#1f77b4", points.Select(p => (p.Second + 0.5, p.LatencyP50Ms ?? double.NaN)));
        latency.Add("p99", "#ff7f0e", points.Select(p => (p.Second + 0.5, p.LatencyP99Ms ?? double.NaN)));
        latency.Add("max", "#d62728", points.Select(p => (p.Second + 0.5, p.LatencyMaxMs ?? double.NaN)), dashed: true);
        html.Append("<h2>Throughput over time, faults shaded</h2>\n").Append(throughput.Render()).Append('\n');
        html.Append("<h2>Acknowledgement latency over time (per second, by ack time)</h2>\n").Append(latency.Render()).Append('\n');
    }

    private static void AppendFaults(StringBuilder html, CampaignReport r)
    {
        html.Append("<h2>Faults</h2>\n<table id=\"faults\">\n<tr><th>#</th><th class=\"l\">fault</th><th>planned</th><th>start s</th><th>healed s</th><th>unavailable s</th><th>last ack s</th><th>first ack s</th><th>lost nearby</th><th class=\"l\">notes</th></tr>\n");
        foreach (var (fault, impact) in r.Faults)
        {
            var notes = string.Join("; ", fault.Notes) + (fault.Problem is { } problem ? " PROBLEM: " + problem : string.Empty);
            html.Append(Invariant($"<tr><td>{fault.Index}</td><td class=\"l\">{Html.Text(fault.Description)}</td><td>{fault.PlannedStartSeconds:F1}</td><td>{fault.StartSeconds:F1}</td><td>{fault.EndSeconds:F1}</td><td>{impact.UnavailableSeconds:F2}</td><td>{impact.LastAckBeforeSeconds:F2}</td><td>{impact.FirstAckAfterSeconds:F2}</td><td>{impact.LostNearby}</td><td class=\"l\">{Html.Text(notes)}</td></tr>\n"));
        }

        html.Append("</table>\n<p><small>Unavailable: the longest time without any acks=all acknowledgement from the fault's start to ").Append(Invariant($"{Checking.FaultImpact.Grace.TotalSeconds:F0}")).Append(" s after it healed. All times in seconds since the campaign started.</small></p>\n");
    }

    private static void AppendProducersAndErrors(StringBuilder html, CampaignReport r)
    {
        html.Append("<h2>Producers</h2>\n<table id=\"producers\">\n<tr><th class=\"l\">producer</th><th class=\"l\">acks</th><th class=\"l\">keys</th><th class=\"l\">compression</th><th class=\"l\">idempotent</th><th>sent</th><th>acked</th><th>failed</th></tr>\n");
        foreach (var p in r.Producers)
        {
            html.Append(Invariant($"<tr><td class=\"l\">{Html.Text(p.Name)}</td><td class=\"l\">{Html.Text(p.Acks)}</td><td class=\"l\">{(p.Keyed ? "keyed" : "none")}</td><td class=\"l\">{Html.Text(p.Compression)}</td><td class=\"l\">{(p.Idempotent ? "yes" : "no")}</td><td>{p.Sent:N0}</td><td>{p.Acked:N0}</td><td>{p.Failed:N0}</td></tr>\n"));
        }

        html.Append("</table>\n<h2>Failed requests by error code</h2>\n");
        if (r.Errors.Count == 0)
        {
            html.Append("<p>None.</p>\n");
            return;
        }

        html.Append("<table id=\"errors\">\n<tr><th class=\"l\">where</th><th class=\"l\">error</th><th>count</th></tr>\n");
        foreach (var e in r.Errors)
        {
            html.Append(Invariant($"<tr><td class=\"l\">{Html.Text(e.Source)}</td><td class=\"l\">{Html.Text(e.Code)}</td><td>{e.Count:N0}</td></tr>\n"));
        }

        html.Append("</table>\n");
    }

    private static string ColorOf(FaultKind kind) => kind switch
    {
        FaultKind.Kill => "#d62728",
        FaultKind.Pause => "#9467bd",
        FaultKind.DiskFull => "#8c564b",
        FaultKind.Restart => "#17becf",
        _ => "#e377c2",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
