using System.Globalization;

namespace LogBroker.Loadgen.Reporting;

/// <summary>The summary as a person reads it at the end of a run (stdout).</summary>
public static class TextSummaryWriter
{
    public static void Write(RunSummary summary, TextWriter output)
    {
        var s = summary.Settings;
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"loadgen {summary.Mode}: topic '{s.Topic}' ({s.Partitions} partition(s)) at {s.Bootstrap}{(summary.Interrupted ? ", interrupted" : string.Empty)}"));
        if (summary.Produce is not null)
        {
            output.WriteLine(string.Create(c, $"  {s.Producers} producer(s), {s.RecordSize}-byte values, keys {s.Keys}, acks {s.Acks}, compression {s.Compression}, batch {s.BatchSize} B, linger {s.LingerMs} ms, rate {(s.RecordsPerSecond > 0 ? s.RecordsPerSecond.ToString("N0", c) + "/s" : "unlimited")}"));
        }

        if (summary.Consume is not null)
        {
            output.WriteLine(string.Create(c, $"  {s.Consumers} consumer(s), fetch {s.FetchMode}{(s.Batch ? ", batches" : string.Empty)}{(s.From is null ? string.Empty : ", from " + s.From)}"));
        }

        output.WriteLine(string.Create(c, $"  ran {summary.ElapsedSeconds:F2} s, warmup {s.WarmupSeconds:F0} s"));
        output.WriteLine();
        if (summary.Produce is { } p)
        {
            output.WriteLine(string.Create(c, $"produce  {p.Acked,14:N0} acked {p.Failed,8:N0} failed {p.Sent,14:N0} sent | {p.RecordsPerSecond,12:N0} rec/s {p.MegabytesPerSecond,9:F2} MB/s over {p.MeasuredSeconds:F2} s"));
        }

        if (summary.Consume is { } r)
        {
            output.WriteLine(string.Create(c, $"consume  {r.Records,14:N0} read  {r.Bytes,14:N0} bytes        | {r.RecordsPerSecond,12:N0} rec/s {r.MegabytesPerSecond,9:F2} MB/s over {r.MeasuredSeconds:F2} s"));
            if (r.ProcessCpuNanosPerRecord is { } cpu && r.ProcessBytesAllocatedPerRecord is { } allocated)
            {
                output.WriteLine(string.Create(c, $"         per record read: {cpu:F1} ns of CPU, {allocated:F2} bytes allocated (the whole loadgen process)"));
            }
        }

        if (summary.AckLatency is not null || summary.EndToEndLatency is not null)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"{"latency (ms)",-12} {"p50",10} {"p90",10} {"p99",10} {"p99.9",10} {"max",10} {"mean",10} {"count",14}"));
            WriteLatency(output, "ack", summary.AckLatency);
            WriteLatency(output, "end-to-end", summary.EndToEndLatency);
        }

        output.WriteLine();
        output.WriteLine(summary.Errors.Count == 0
            ? "errors       none"
            : "errors       " + string.Join(", ", summary.Errors.Select(e => string.Create(c, $"{e.Key} {e.Value:N0}"))));
        foreach (var problem in summary.Problems)
        {
            output.WriteLine("problem      " + problem);
        }
    }

    private static void WriteLatency(TextWriter output, string name, LatencySummary? latency)
    {
        if (latency is { } l)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-12} {l.P50Ms,10:F3} {l.P90Ms,10:F3} {l.P99Ms,10:F3} {l.P999Ms,10:F3} {l.MaxMs,10:F3} {l.MeanMs,10:F3} {l.Count,14:N0}"));
        }
    }
}
