using System.Globalization;
using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Cli;

/// <summary>
/// Everything one campaign is told to do, parsed and checked. The workload runs for
/// <see cref="Duration"/>; faults fall between <see cref="Warmup"/> and <see cref="Duration"/> minus
/// <see cref="Quiet"/>, so the cluster is whole again before the checks. Seed, broker count, fault kinds,
/// the window and the overlap setting decide the schedule (<see cref="FaultSchedule"/>).
/// </summary>
public sealed record CampaignSettings
{
    public int Seed { get; init; }

    public int Brokers { get; init; } = 1;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Quiet { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The fault kinds asked for; null for every kind the lab can inject.</summary>
    public IReadOnlyList<FaultKind>? Faults { get; init; }

    /// <summary>Let faults of the same kind overlap (two brokers killed at once).</summary>
    public bool AllowOverlap { get; init; }

    public int Partitions { get; init; } = 4;

    /// <summary>Records per second across all producers.</summary>
    public double RecordsPerSecond { get; init; } = 600;

    /// <summary>Value size in bytes.</summary>
    public int RecordSize { get; init; } = 100;

    /// <summary>Members of the committing consumer group.</summary>
    public int Consumers { get; init; } = 2;

    public NetworkMode Network { get; init; } = NetworkMode.Auto;

    /// <summary>Size of each broker's data filesystem (tmpfs), in MiB.</summary>
    public int DiskMib { get; init; } = 256;

    /// <summary>Where the reports and broker logs go; a fresh folder per run when null.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The broker to run; src/Broker's Release build in this repository when null.</summary>
    public string? BrokerDll { get; init; }

    /// <summary>Print the schedule and stop, without building anything.</summary>
    public bool PlanOnly { get; init; }

    public TimeSpan FaultWindowStart => Warmup;

    public TimeSpan FaultWindowEnd => Duration - Quiet;

    /// <summary>The first problem that makes these settings unusable, or null.</summary>
    public string? Validate() => this switch
    {
        { Brokers: < 1 or > 5 } => "--brokers must be from 1 to 5",
        { Partitions: < 1 or > 64 } => "--partitions must be from 1 to 64",
        { Consumers: < 0 or > 16 } => "--consumers must be from 0 to 16",
        { RecordsPerSecond: <= 0 or > 100_000 } => "--rate must be above 0 and at most 100000 records/s",
        { RecordSize: < 32 or > 1_048_576 } => "--record-size must be from 32 to 1048576 bytes",
        { DiskMib: < 16 } => "--disk-mib must be at least 16",
        _ when Warmup < TimeSpan.Zero || Quiet < TimeSpan.Zero => "--warmup and --quiet must not be negative",
        _ when FaultWindowEnd <= FaultWindowStart => "--duration must be longer than --warmup plus --quiet (faults happen between them)",
        _ when EstimatedDataMib() > DiskMib * 0.6 => string.Create(CultureInfo.InvariantCulture, $"about {EstimatedDataMib():F0} MiB of records would fill more than 60% of the {DiskMib} MiB data filesystems: raise --disk-mib to at least {Math.Ceiling(EstimatedDataMib() / 0.6)}"),
        _ when Faults?.Where(k => k.MinimumBrokers() > Brokers).Select(k => (FaultKind?)k).FirstOrDefault() is { } kind => $"{kind.Name()} needs at least {kind.MinimumBrokers()} brokers",
        _ => null,
    };

    /// <summary>What the workload stores on one broker at most (every partition on every broker, each record with its ~70 bytes of batch and record overhead).</summary>
    public double EstimatedDataMib() => RecordsPerSecond * Duration.TotalSeconds * (RecordSize + 70) / (1024.0 * 1024);

    /// <summary>The command that runs this campaign again with the same schedule (the fault kinds spelled out, as resolved).</summary>
    public string ReplayCommand(IReadOnlyList<FaultKind> resolvedFaults)
    {
        var c = CultureInfo.InvariantCulture;
        var command = string.Create(c, $"faultlab run --seed {Seed} --brokers {Brokers} --duration {Duration.TotalSeconds} --warmup {Warmup.TotalSeconds} --quiet {Quiet.TotalSeconds} ")
            + (resolvedFaults.Count == 0 ? "--faults none" : $"--faults {FaultKinds.Names(resolvedFaults)}")
            + string.Create(c, $" --partitions {Partitions} --rate {RecordsPerSecond} --record-size {RecordSize} --consumers {Consumers} --disk-mib {DiskMib}")
            + (Network == NetworkMode.Auto ? string.Empty : $" --network {Network.ToString().ToLowerInvariant()}")
            + (AllowOverlap ? " --allow-overlap" : string.Empty);
        return command;
    }
}
