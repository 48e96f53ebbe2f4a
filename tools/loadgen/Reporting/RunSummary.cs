namespace LogBroker.Loadgen.Reporting;

/// <summary>
/// The outcome of a run, as printed, written to JSON and drawn in the HTML report. Throughput covers the
/// measured window (after the warmup); latencies are in milliseconds; MB are 10^6 bytes of values.
/// </summary>
public sealed record RunSummary
{
    public required string Mode { get; init; }

    public required string CommandLine { get; init; }

    public required MachineInfo Machine { get; init; }

    public required SettingsEcho Settings { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double ElapsedSeconds { get; init; }

    /// <summary>Stopped early by Ctrl-C or a termination signal.</summary>
    public bool Interrupted { get; init; }

    public ProduceSummary? Produce { get; init; }

    public ConsumeSummary? Consume { get; init; }

    public LatencySummary? AckLatency { get; init; }

    public LatencySummary? EndToEndLatency { get; init; }

    /// <summary>Failed records and calls by error code name.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public required IReadOnlyList<IntervalSample> Series { get; init; }

    public bool Failed => Errors.Count > 0 || Problems.Count > 0;
}

/// <summary>Where the run ran.</summary>
public sealed record MachineInfo(int ProcessorCount, string OSDescription, string FrameworkDescription, string ProcessArchitecture, bool ServerGarbageCollection)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
        System.Runtime.GCSettings.IsServerGC);
}

/// <summary>The knobs the run used, resolved (defaults filled in, an existing topic's real partition count).</summary>
public sealed record SettingsEcho(
    string Bootstrap,
    string Topic,
    int Partitions,
    int Producers,
    int Consumers,
    int RecordSize,
    string Keys,
    string Acks,
    string Compression,
    int BatchSize,
    double LingerMs,
    double RecordsPerSecond,
    long? Count,
    double? DurationSeconds,
    double WarmupSeconds,
    string FetchMode,
    bool Batch,
    string? From);

/// <summary>Producer side totals; rates are acknowledged records over the measured window.</summary>
public sealed record ProduceSummary(
    long Sent,
    long Acked,
    long Failed,
    long AckedBytes,
    double MeasuredSeconds,
    long MeasuredRecords,
    double RecordsPerSecond,
    double MegabytesPerSecond,
    double? ProducerThreadBytesAllocatedPerRecord);

/// <summary>
/// Consumer side totals over the measured window. In consume mode, also the whole loadgen process's CPU
/// time (user and system) and managed allocations over the replay, per record read: the consumer's cost.
/// </summary>
public sealed record ConsumeSummary(
    long Records,
    long Bytes,
    double MeasuredSeconds,
    long MeasuredRecords,
    double RecordsPerSecond,
    double MegabytesPerSecond,
    long RecordsWithoutSendTime,
    double? ProcessCpuNanosPerRecord = null,
    double? ProcessBytesAllocatedPerRecord = null);

/// <summary>A latency distribution: headline percentiles and the full percentile spectrum.</summary>
public sealed record LatencySummary(
    long Count,
    double MeanMs,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    IReadOnlyList<PercentilePoint> Distribution);

/// <summary>A point of the percentile spectrum: <see cref="Percentile"/> % of values were at most <see cref="ValueMs"/>.</summary>
public sealed record PercentilePoint(double Percentile, double ValueMs);
