using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Reporting;

/// <summary>
/// Everything a campaign reports, as one value the text, JSON and HTML writers render. Times are
/// seconds since the campaign started (the lab's setup included; the workload started at
/// <see cref="WorkloadStartSeconds"/>).
/// </summary>
public sealed record CampaignReport
{
    public required string RunId { get; init; }

    public required int Seed { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required string CommandLine { get; init; }

    /// <summary>The command that replays this campaign's schedule.</summary>
    public required string ReplayCommand { get; init; }

    public required string Network { get; init; }

    public required int Brokers { get; init; }

    public required int ReplicationFactor { get; init; }

    public required string Topic { get; init; }

    public required int Partitions { get; init; }

    public required double RecordsPerSecond { get; init; }

    public required int RecordSize { get; init; }

    public required int Consumers { get; init; }

    public required IReadOnlyList<string> FaultKinds { get; init; }

    public required double WorkloadStartSeconds { get; init; }

    /// <summary>What the lab could not do here and what it turned off; known limits of what is checked.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The schedule as planned, one line a fault.</summary>
    public required IReadOnlyList<string> Schedule { get; init; }

    public required IReadOnlyList<FaultRow> Faults { get; init; }

    public required IReadOnlyList<CheckOutcome> Checks { get; init; }

    public required IReadOnlyList<ProducerTotals> Producers { get; init; }

    public required long Consumed { get; init; }

    public required int ConsumerRestarts { get; init; }

    public required IReadOnlyList<ErrorCount> Errors { get; init; }

    public required IReadOnlyList<long> EndOffsets { get; init; }

    public required IReadOnlyDictionary<int, long> CommittedOffsets { get; init; }

    public required IReadOnlyList<ReplicaComparison.Result> Replicas { get; init; }

    public required IReadOnlyList<BrokerCrash> Crashes { get; init; }

    /// <summary>Exit code of each broker's final clean stop (null: it had to be killed).</summary>
    public required IReadOnlyDictionary<int, int?> StopExitCodes { get; init; }

    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    /// <summary>Where the broker logs and reports of this run are.</summary>
    public required string OutputDirectory { get; init; }

    public bool Passed => Checks.All(c => !c.Failed);

    /// <summary>The last line of the text report: <c>faults: N injected, lost A, duplicated D, ..., verdict PASS|FAIL</c>.</summary>
    public string SummaryLine =>
        $"faults: {Faults.Count} injected, " + string.Join(", ", Checks.Select(c => $"{c.Name} {c.Count}")) + $", verdict {(Passed ? "PASS" : "FAIL")}";
}
