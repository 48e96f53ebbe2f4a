using LogBroker.Client;
using LogBroker.Protocol.Compression;

namespace LogBroker.Loadgen.Cli;

/// <summary>Everything one run is told to do, parsed and checked; the defaults are the command line's.</summary>
public sealed record LoadgenSettings
{
    /// <summary>How long a produce or end-to-end run lasts when neither a count nor a duration is given.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);

    public RunMode Mode { get; init; }

    public string Bootstrap { get; init; } = "http://127.0.0.1:9400";

    public string Topic { get; init; } = "loadgen";

    /// <summary>Partitions to create the topic with if it does not exist; an existing topic is used as it is.</summary>
    public int Partitions { get; init; } = 1;

    public int Producers { get; init; } = 1;

    public int Consumers { get; init; } = 1;

    /// <summary>Value size in bytes.</summary>
    public int RecordSize { get; init; } = 100;

    public KeyDistribution Keys { get; init; } = KeyDistribution.None;

    public Acks Acks { get; init; } = Acks.Leader;

    public CompressionType Compression { get; init; } = CompressionType.None;

    /// <summary>The producer's batch size in bytes; the client's default when null.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The producer's linger; the client's default when null.</summary>
    public TimeSpan? Linger { get; init; }

    /// <summary>Records per second across all producers; 0 for as fast as they go.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Records to produce (produce, e2e) or at most to read (consume), warmup included.</summary>
    public long? Count { get; init; }

    /// <summary>How long to measure, after the warmup.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Where consume mode starts in every partition: an offset, or <see cref="Offset.Beginning"/>.</summary>
    public long From { get; init; } = Offset.Beginning;

    public FetchMode FetchMode { get; init; } = FetchMode.Poll;

    /// <summary>Consumers read whole fetched batches (<see cref="Consumer.ConsumeBatchAsync"/>) instead of a record at a time.</summary>
    public bool Batch { get; init; }

    /// <summary>Time at the start whose records count in neither the histograms nor the throughput.</summary>
    public TimeSpan Warmup { get; init; }

    public string? JsonPath { get; init; }

    public string? HtmlPath { get; init; }

    /// <summary>The command line as given, for the reports.</summary>
    public string CommandLine { get; init; } = string.Empty;

    public bool Produces => Mode is RunMode.Produce or RunMode.EndToEnd;

    public bool Consumes => Mode is RunMode.Consume or RunMode.EndToEnd;

    /// <summary>
    /// The measuring time limit. Producing runs are always bounded: without a count or a duration they
    /// last <see cref="DefaultDuration"/>. A replay is already bounded by the end offsets seen at start.
    /// </summary>
    public TimeSpan? EffectiveDuration => Duration ?? (Count is null && Produces ? DefaultDuration : null);

    /// <summary>The first problem that makes these settings unusable, or null.</summary>
    public string? Validate()
    {
        return this switch
        {
            { Partitions: < 1 } => "--partitions must be at least 1",
            { Producers: < 1 } => "--producers must be at least 1",
            { Consumers: < 1 } => "--consumers must be at least 1",
            { RecordSize: < 0 } => "--record-size must not be negative",
            { Mode: RunMode.EndToEnd, RecordSize: < sizeof(long) } => "--record-size must be at least 8 in e2e mode: each value starts with its send time",
            { BatchSize: < 1024 } => "--batch-size must be at least 1024 bytes",
            { RecordsPerSecond: < 0 } => "--rate must not be negative",
            { Count: <= 0 } => "--count must be at least 1",
            _ when Duration is { } d && d <= TimeSpan.Zero => "--duration must be positive",
            _ when Linger is { } l && l < TimeSpan.Zero => "--linger-ms must not be negative",
            _ when Warmup < TimeSpan.Zero => "--warmup must not be negative",
            { Mode: RunMode.Consume, From: < 0 and not Offset.Beginning } => "--from must be 'beginning' or an offset of at least 0",
            _ => null,
        };
    }
}
