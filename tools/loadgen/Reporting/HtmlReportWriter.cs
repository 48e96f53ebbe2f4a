using System.Globalization;
using System.Text;
using LogBroker.Tools.Reporting;

namespace LogBroker.Loadgen.Reporting;

/// <summary>
/// A self-contained HTML report of one run: the summary table, throughput over time, the latency
/// percentile spectrum, and p99 latency over time, drawn as inline SVG. No script and no external
/// resource, so it opens anywhere and can be attached or archived as one file.
/// </summary>
public static class HtmlReportWriter
{
    private const string ProduceColor = "#1f77b4";
    private const string ConsumeColor = "#ff7f0e";
    private const string AckColor = "#2ca02c";
    private const string EndToEndColor = "#d62728";

    public static Task WriteAsync(RunSummary summary, string path, CancellationToken cancellationToken = default) =>
        File.WriteAllTextAsync(path, Render(summary), Encoding.UTF8, cancellationToken);

    public static string Render(RunSummary summary)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(Invariant($"<title>loadgen {Html.Text(summary.Mode)}: {Html.Text(summary.Settings.Topic)}</title>\n"));
        html.Append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
            + "td,th{border:1px solid #ccc;padding:3px 10px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
            + "code{background:#f4f4f4;padding:2px 4px}.bad{color:#b00}</style>\n</head>\n<body>\n");
        html.Append(Invariant($"<h1>loadgen {Html.Text(summary.Mode)}</h1>\n<p><code>{Html.Text(summary.CommandLine)}</code></p>\n"));
        var interrupted = summary.Interrupted ? " <strong class=\"bad\">(interrupted)</strong>" : string.Empty;
        html.Append(Invariant($"<p>Started {summary.StartedAt:u}, ran {summary.ElapsedSeconds:F2} s{interrupted}. {summary.Machine.ProcessorCount} processors, {Html.Text(summary.Machine.OSDescription)}, {Html.Text(summary.Machine.FrameworkDescription)}.</p>\n"));
        AppendSummaryTable(html, summary);
        AppendLatencyTable(html, summary);
        AppendErrors(html, summary);
        AppendCharts(html, summary);
        AppendSettings(html, summary.Settings);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummaryTable(StringBuilder html, RunSummary summary)
    {
        html.Append("<h2>Summary</h2>\n<table id=\"summary\">\n<tr><th class=\"l\"></th><th>records</th><th>failed</th><th>measured s</th><th>records/s</th><th>MB/s</th></tr>\n");
        if (summary.Produce is { } p)
        {
            html.Append(Invariant($"<tr><td class=\"l\">produced (acked)</td><td>{p.Acked:N0}</td><td>{p.Failed:N0}</td><td>{p.MeasuredSeconds:F2}</td><td>{p.RecordsPerSecond:N0}</td><td>{p.MegabytesPerSecond:F2}</td></tr>\n"));
        }

        if (summary.Consume is { } c)
        {
            html.Append(Invariant($"<tr><td class=\"l\">consumed</td><td>{c.Records:N0}</td><td></td><td>{c.MeasuredSeconds:F2}</td><td>{c.RecordsPerSecond:N0}</td><td>{c.MegabytesPerSecond:F2}</td></tr>\n"));
        }

        html.Append("</table>\n");
    }

    private static void AppendLatencyTable(StringBuilder html, RunSummary summary)
    {
        if (summary.AckLatency is null && summary.EndToEndLatency is null)
        {
            return;
        }

        html.Append("<h2>Latency (ms)</h2>\n<table id=\"latency\">\n<tr><th class=\"l\"></th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th><th>count</th></tr>\n");
        foreach (var (name, latency) in new[] { ("acknowledgement", summary.AckLatency), ("end to end", summary.EndToEndLatency) })
        {
            if (latency is { } l)
            {
                html.Append(Invariant($"<tr><td class=\"l\">{name}</td><td>{l.P50Ms:F3}</td><td>{l.P90Ms:F3}</td><td>{l.P99Ms:F3}</td><td>{l.P999Ms:F3}</td><td>{l.MaxMs:F3}</td><td>{l.MeanMs:F3}</td><td>{l.Count:N0}</td></tr>\n"));
            }
        }

        html.Append("</table>\n");
    }

    private static void AppendErrors(StringBuilder html, RunSummary summary)
    {
        if (!summary.Failed)
        {
            html.Append("<p>No errors.</p>\n");
            return;
        }

        html.Append("<h2 class=\"bad\">Errors</h2>\n<ul>\n");
        foreach (var (code, count) in summary.Errors)
        {
            html.Append(Invariant($"<li>{Html.Text(code)}: {count:N0}</li>\n"));
        }

        foreach (var problem in summary.Problems)
        {
            html.Append(Invariant($"<li>{Html.Text(problem)}</li>\n"));
        }

        html.Append("</ul>\n");
    }

    private static void AppendCharts(StringBuilder html, RunSummary summary)
    {
        var series = summary.Series;
        var throughput = new SvgLineChart("throughput-chart", "seconds since start", "records/s", SvgLineChart.XAxis.Linear);
        if (summary.Produce is not null)
        {
            throughput.Add("produced", ProduceColor, series.Select(s => (s.ElapsedSeconds, s.ProducedRecordsPerSecond)));
        }

        if (summary.Consume is not null)
        {
            throughput.Add("consumed", ConsumeColor, series.Select(s => (s.ElapsedSeconds, s.ConsumedRecordsPerSecond)), dashed: true);
        }

        html.Append("<h2>Throughput over time</h2>\n").Append(throughput.Render()).Append('\n');

        var spectrum = new SvgLineChart("latency-percentile-chart", "percentile", "latency (ms)", SvgLineChart.XAxis.PercentileSpectrum);
        var overTime = new SvgLineChart("latency-time-chart", "seconds since start", "p99 latency (ms)", SvgLineChart.XAxis.Linear);
        if (summary.AckLatency is { } ack)
        {
            spectrum.Add("ack", AckColor, ack.Distribution.Select(d => (d.Percentile, d.ValueMs)));
            overTime.Add("ack p99", AckColor, series.Where(s => s.AckP99Ms is not null).Select(s => (s.ElapsedSeconds, s.AckP99Ms!.Value)));
        }

        if (summary.EndToEndLatency is { } e2e)
        {
            spectrum.Add("end to end", EndToEndColor, e2e.Distribution.Select(d => (d.Percentile, d.ValueMs)), dashed: true);
            overTime.Add("e2e p99", EndToEndColor, series.Where(s => s.EndToEndP99Ms is not null).Select(s => (s.ElapsedSeconds, s.EndToEndP99Ms!.Value)), dashed: true);
        }

        if (!spectrum.IsEmpty)
        {
            html.Append("<h2>Latency by percentile</h2>\n").Append(spectrum.Render()).Append('\n');
            html.Append("<h2>p99 latency over time</h2>\n").Append(overTime.Render()).Append('\n');
        }
    }

    private static void AppendSettings(StringBuilder html, SettingsEcho s)
    {
        html.Append("<h2>Settings</h2>\n<table id=\"settings\">\n");
        foreach (var (name, value) in new (string, object?)[]
        {
            ("bootstrap", s.Bootstrap), ("topic", s.Topic), ("partitions", s.Partitions), ("producers", s.Producers), ("consumers", s.Consumers),
            ("record size", s.RecordSize), ("keys", s.Keys), ("acks", s.Acks), ("compression", s.Compression), ("batch size", s.BatchSize),
            ("linger ms", s.LingerMs), ("rate", s.RecordsPerSecond), ("count", s.Count), ("duration s", s.DurationSeconds),
            ("warmup s", s.WarmupSeconds), ("fetch mode", s.FetchMode), ("from", s.From),
        })
        {
            html.Append(Invariant($"<tr><td class=\"l\">{name}</td><td class=\"l\">{Html.Text(Convert.ToString(value, CultureInfo.InvariantCulture))}</td></tr>\n"));
        }

        html.Append("</table>\n");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
