using HdrHistogram;
using LogBroker.Client;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Reporting;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Running;

/// <summary>Turns a finished run's counters, histograms and series into its <see cref="RunSummary"/>.</summary>
public static class SummaryBuilder
{
    /// <summary>Steps per halving of the distance to 100% in the percentile spectrum (HdrHistogram's usual 5).</summary>
    private const int PercentileTicksPerHalfDistance = 5;

    public static RunSummary Build(RunOutcome outcome)
    {
        var settings = outcome.Settings;
        var metrics = outcome.Metrics;
        var window = outcome.Window;
        var totals = metrics.Totals();
        var errors = metrics.Errors;
        return new RunSummary
        {
            Mode = settings.Mode switch { RunMode.Produce => "produce", RunMode.Consume => "consume", _ => "e2e" },
            CommandLine = settings.CommandLine,
            Machine = MachineInfo.Current(),
            Settings = Echo(settings, outcome.PartitionCount, outcome.ProducerOptions, outcome.ConsumerCount),
            StartedAt = outcome.StartedAt,
            ElapsedSeconds = Math.Round(window.SecondsSinceStart(outcome.EndMicros), 3),
            Interrupted = outcome.Interrupted,
            Produce = settings.Produces ? Produce(totals, metrics, window.MeasuredSeconds(outcome.ProduceEndMicros)) : null,
            Consume = settings.Consumes ? Consume(totals, metrics, window.MeasuredSeconds(outcome.ConsumeEndMicros), outcome.ConsumeCost) : null,
            AckLatency = settings.Produces ? Latency(metrics.Ack.Total) : null,
            EndToEndLatency = settings.Mode == RunMode.EndToEnd ? Latency(metrics.EndToEnd.Total) : null,
            Errors = errors.ByCode(),
            Problems = errors.Problems(),
            Series = outcome.Series,
        };
    }

    public static LatencySummary? Latency(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0)
        {
            return null;
        }

        var distribution = new List<PercentilePoint>();
        foreach (var point in histogram.Percentiles(PercentileTicksPerHalfDistance))
        {
            distribution.Add(new PercentilePoint(point.PercentileLevelIteratedTo, Ms(point.ValueIteratedTo)));
        }

        return new LatencySummary(
            histogram.TotalCount,
            Math.Round(histogram.GetMean() / 1000.0, 3),
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            distribution);
    }

    private static ProduceSummary Produce(CounterTotals totals, RunMetrics metrics, double seconds)
    {
        long allocatedBytes = 0, allocationRecords = 0;
        foreach (var producer in metrics.Producers)
        {
            allocatedBytes += producer.SteadyStateAllocation.Bytes;
            allocationRecords += producer.SteadyStateAllocation.Records;
        }

        return new ProduceSummary(
            totals.Sent,
            totals.Acked,
            totals.Failed,
            totals.AckedBytes,
            Math.Round(seconds, 3),
            totals.MeasuredAcked,
            Rate(totals.MeasuredAcked, seconds),
            Rate(totals.MeasuredAckedBytes / 1e6, seconds),
            allocationRecords > 0 ? Math.Round((double)allocatedBytes / allocationRecords, 2) : null);
    }

    private static ConsumeSummary Consume(CounterTotals totals, RunMetrics metrics, double seconds, ProcessCost? cost) => new(
        totals.Consumed,
        totals.ConsumedBytes,
        Math.Round(seconds, 3),
        totals.MeasuredConsumed,
        Rate(totals.MeasuredConsumed, seconds),
        Rate(totals.MeasuredConsumedBytes / 1e6, seconds),
        metrics.Consumers.Sum(c => c.RecordsWithoutSendTime),
        cost is { } c && totals.Consumed > 0 ? Math.Round(c.Cpu.TotalMicroseconds * 1000 / totals.Consumed, 1) : null,
        cost is { } a && totals.Consumed > 0 ? Math.Round((double)a.AllocatedBytes / totals.Consumed, 2) : null);

    private static SettingsEcho Echo(LoadgenSettings s, int partitions, ProducerOptions producer, int consumers) => new(
        s.Bootstrap,
        s.Topic,
        partitions,
        s.Produces ? s.Producers : 0,
        consumers,
        s.RecordSize,
        s.Keys.ToString(),
        s.Acks.ToString().ToLowerInvariant(),
        s.Compression.ToString().ToLowerInvariant(),
        producer.BatchSize,
        producer.Linger.TotalMilliseconds,
        s.RecordsPerSecond,
        s.Count,
        s.EffectiveDuration?.TotalSeconds,
        s.Warmup.TotalSeconds,
        s.FetchMode.ToString().ToLowerInvariant(),
        s.Consumes && s.Batch,
        s.Mode == RunMode.Consume ? (s.From == Offset.Beginning ? "beginning" : s.From.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null);

    private static double Rate(double amount, double seconds) => seconds > 0 ? Math.Round(amount / seconds, 3) : 0;

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
