using System.Globalization;
using LogBroker.Client;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Consuming;
using LogBroker.Loadgen.Producing;
using LogBroker.Loadgen.Reporting;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Running;

/// <summary>
/// One run from start to summary: prepare the topic, start consumers (so an e2e run's consumers are
/// waiting before the first record), start producers, report live each second, stop producers at their
/// count or deadline (or on cancellation) and flush, let consumers read to the end offsets, then build
/// the summary. Failures while running are counted and noted, not thrown; a
/// <see cref="LogBrokerException"/> escapes only when the run cannot start (broker unreachable, no topic).
/// </summary>
public static class LoadRun
{
    /// <summary>Consumers that read nothing for this long while behind are given up on, so a run always ends.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    public static async Task<RunSummary> ExecuteAsync(LoadgenSettings settings, TextWriter live, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = settings.Bootstrap });
        var partitionCount = await TopicSetup.PrepareAsync(admin, settings, live, cancellationToken);
        var reads = settings.Consumes ? await TopicSetup.PlanReadsAsync(admin, settings, partitionCount, cancellationToken) : [];
        var producerOptions = ProducerOptionsFor(settings);
        var keys = settings.Produces && settings.Keys.HasKeys ? new KeySpace(settings.Keys.DistinctKeys, partitionCount) : null;
        var budget = settings.Mode == RunMode.Consume && settings.Count is { } most ? new RecordBudget(most) : null;

        var window = MeasurementWindow.StartingNow(settings.Warmup, settings.EffectiveDuration);
        var metrics = new RunMetrics();
        try
        {
            AddConsumers(metrics, settings, partitionCount, reads, window, budget, live);
            AddProducers(metrics, settings, producerOptions, partitionCount, keys, window);
            var reporter = new LiveReporter(metrics, live, window, settings.Produces, settings.Consumes, settings.Mode == RunMode.EndToEnd);
            using var reporterStop = new CancellationTokenSource();
            var reporting = reporter.RunAsync(reporterStop.Token);

            var costAtStart = ProcessCost.Now();
            var consuming = metrics.Consumers.Select(c => c.RunAsync()).ToArray();
            await Task.WhenAll(metrics.Producers.Select(p => p.RunAsync(cancellationToken)));
            var produceEnd = metrics.Producers.Count > 0 ? metrics.Producers.Max(p => p.FinishedMicros) : MonotonicClock.NowMicros;

            if (settings.Mode == RunMode.EndToEnd && !cancellationToken.IsCancellationRequested)
            {
                await SetEndOffsetsAsync(admin, settings.Topic, partitionCount, metrics, cancellationToken);
            }

            await WaitForConsumersAsync(metrics, consuming, budget, settings.Mode == RunMode.Consume ? window.DeadlineMicros : long.MaxValue, reads, cancellationToken);
            foreach (var consumer in metrics.Consumers)
            {
                consumer.Stop();
            }

            await Task.WhenAll(consuming);
            var consumeEnd = metrics.Consumers.Count > 0 ? metrics.Consumers.Max(c => c.FinishedMicros) : produceEnd;
            var consumeCost = settings.Mode == RunMode.Consume ? ProcessCost.Now() - costAtStart : (ProcessCost?)null;

            await reporterStop.CancelAsync();
            await reporting;
            reporter.TakeSample();
            return SummaryBuilder.Build(new RunOutcome(
                settings, partitionCount, producerOptions, metrics.Consumers.Count, startedAt, window, metrics, reporter.Series,
                produceEnd, consumeEnd, MonotonicClock.NowMicros, cancellationToken.IsCancellationRequested, consumeCost));
        }
        finally
        {
            foreach (var producer in metrics.Producers)
            {
                await producer.DisposeAsync();
            }

            foreach (var consumer in metrics.Consumers)
            {
                await consumer.DisposeAsync();
            }
        }
    }

    public static ProducerOptions ProducerOptionsFor(LoadgenSettings settings)
    {
        var options = new ProducerOptions { BootstrapServers = settings.Bootstrap, Acks = settings.Acks, Compression = settings.Compression };
        if (settings.BatchSize is { } batchSize)
        {
            options = options with { BatchSize = batchSize };
        }

        if (settings.Linger is { } linger)
        {
            options = options with { Linger = linger };
        }

        return options;
    }

    private static void AddProducers(RunMetrics metrics, LoadgenSettings settings, ProducerOptions options, int partitionCount, KeySpace? keys, MeasurementWindow window)
    {
        if (!settings.Produces)
        {
            return;
        }

        var n = settings.Producers;
        for (var i = 0; i < n; i++)
        {
            var quota = settings.Count is { } count ? (count / n) + (i < count % n ? 1 : 0) : long.MaxValue;
            metrics.Add(new ProducerWorker(i, options, settings.Topic, partitionCount, settings.RecordSize, keys, quota, settings.RecordsPerSecond / n, window, metrics.Ack.CreateRecorder(), metrics.Errors));
        }
    }

    /// <summary>
    /// Partition p goes to consumer p mod n. More consumers than partitions would sit idle, so there are at
    /// most as many, and the notes say so: the report's settings echo the consumers that ran.
    /// </summary>
    private static void AddConsumers(RunMetrics metrics, LoadgenSettings settings, int partitionCount, PartitionRange[] reads, MeasurementWindow window, RecordBudget? budget, TextWriter notes)
    {
        if (!settings.Consumes)
        {
            return;
        }

        var options = new ConsumerOptions { BootstrapServers = settings.Bootstrap, FetchMode = settings.FetchMode, AutoOffsetReset = AutoOffsetReset.Earliest };
        var n = Math.Min(settings.Consumers, partitionCount);
        if (n < settings.Consumers)
        {
            notes.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loadgen: topic '{settings.Topic}' has {partitionCount} partition(s), so {n} consumer(s) run, not {settings.Consumers}: a partition is read by one consumer"));
        }

        for (var i = 0; i < n; i++)
        {
            var mine = reads.Where(r => r.Partition % n == i).ToArray();
            var endToEnd = settings.Mode == RunMode.EndToEnd ? metrics.EndToEnd.CreateRecorder() : null;
            metrics.Add(new ConsumerWorker(i, options, settings.Topic, partitionCount, mine, window, endToEnd, budget, metrics.Errors, settings.Batch));
        }
    }

    private static async Task SetEndOffsetsAsync(AdminClient admin, string topic, int partitionCount, RunMetrics metrics, CancellationToken cancellationToken)
    {
        try
        {
            var ends = await TopicSetup.EndOffsetsAsync(admin, topic, partitionCount, cancellationToken);
            var n = metrics.Consumers.Count;
            for (var p = 0; p < partitionCount; p++)
            {
                metrics.Consumers[p % n].SetEnd(p, ends[p]);
            }
        }
        catch (LogBrokerException e)
        {
            metrics.Errors.Count(e.Code);
            metrics.Errors.AddProblem($"cannot learn the end offsets to read to: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            // interrupted: consumers stop where they are
        }
    }

    /// <summary>
    /// Until every consumer loop has ended (caught up, budget spent, or failed), the replay deadline
    /// passes, the run is cancelled, or consumers stall behind for <see cref="StallTimeout"/>.
    /// </summary>
    private static async Task WaitForConsumersAsync(RunMetrics metrics, Task[] consuming, RecordBudget? budget, long deadlineMicros, PartitionRange[] reads, CancellationToken cancellationToken)
    {
        var allDone = Task.WhenAll(consuming);
        var spent = budget?.Spent ?? Task.Delay(Timeout.Infinite, CancellationToken.None);
        var lastConsumed = -1L;
        var lastProgress = MonotonicClock.NowMicros;
        while (!allDone.IsCompleted && !spent.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            var now = MonotonicClock.NowMicros;
            if (now >= deadlineMicros)
            {
                return;
            }

            var consumed = metrics.Totals().Consumed;
            if (consumed != lastConsumed)
            {
                (lastConsumed, lastProgress) = (consumed, now);
            }
            else if (now - lastProgress > StallTimeout.TotalMilliseconds * 1000)
            {
                var expected = reads.Any(r => r.Length < 0) ? "the end offsets" : reads.Sum(r => r.Length).ToString("N0", CultureInfo.InvariantCulture) + " record(s)";
                metrics.Errors.AddProblem(string.Create(CultureInfo.InvariantCulture, $"consumers read {consumed:N0} record(s) of {expected} and then nothing for {StallTimeout.TotalSeconds:F0} s"));
                return;
            }

            await Task.WhenAny(allDone, spent, Task.Delay(100, CancellationToken.None));
        }
    }
}
