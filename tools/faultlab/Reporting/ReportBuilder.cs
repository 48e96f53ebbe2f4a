using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Cli;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Reporting;

/// <summary>Assembles the <see cref="CampaignReport"/> from what a campaign gathered: measured fault impacts, totals, the timeline.</summary>
public static class ReportBuilder
{
    /// <summary>What the campaign hands over.</summary>
    public sealed record Parts(
        RunIdentity Run,
        CampaignSettings Settings,
        CampaignClock Clock,
        double WorkloadStartSeconds,
        Lab Lab,
        IReadOnlyList<FaultKind> Kinds,
        IReadOnlyList<PlannedFault> Plan,
        IReadOnlyList<InjectedFault> Faults,
        IReadOnlyList<CheckOutcome> Checks,
        IReadOnlyList<(Ack Ack, bool MustSurvive)> Lost,
        CheckInputs Inputs,
        CampaignWorkload Workload,
        IReadOnlyList<long> EndOffsets,
        IReadOnlyDictionary<int, int?> StopExitCodes,
        string OutputDirectory);

    public static CampaignReport Build(Parts parts)
    {
        var settings = parts.Settings;
        var elapsed = parts.Clock.NowSeconds;
        var ackTimes = FaultImpact.AckTimes(parts.Inputs.Producers);
        var lostTimes = parts.Lost.Select(l => l.Ack.AckMicros).Order().ToList();
        var notes = new List<string>(parts.Lab.Notes);
        if (!ProducerSpec.ClientSupportsIdempotence)
        {
            notes.Add("the client has no idempotent producer yet (issue 8): a retried batch can be stored twice; such duplicates are counted (dup-not-idempotent), not failed");
        }

        if (settings.Brokers == 1)
        {
            notes.Add("one broker: no replication, so acks=all equals acks=leader, and both must survive kill -9 (the page cache outlives the process); the replica check compares what was served with what is stored");
        }

        return new CampaignReport
        {
            RunId = parts.Run.Id,
            Seed = settings.Seed,
            StartedAt = parts.Clock.StartedAt,
            ElapsedSeconds = elapsed,
            CommandLine = Environment.CommandLine,
            ReplayCommand = settings.ReplayCommand(parts.Kinds),
            Network = parts.Lab.Network.Description,
            Brokers = settings.Brokers,
            ReplicationFactor = TopicSetup.ReplicationFactor(settings.Brokers),
            Topic = Campaign.Topic,
            Partitions = settings.Partitions,
            RecordsPerSecond = settings.RecordsPerSecond,
            RecordSize = settings.RecordSize,
            Consumers = settings.Consumers,
            FaultKinds = [.. parts.Kinds.Select(k => k.Name())],
            WorkloadStartSeconds = parts.WorkloadStartSeconds,
            Notes = notes,
            Schedule = [.. parts.Plan.Select(f => f.ToString())],
            Faults = [.. parts.Faults.Select(f => new FaultRow(f, FaultImpact.Measure(f, ackTimes, lostTimes, elapsed)))],
            Checks = parts.Checks,
            Producers = [.. parts.Inputs.Producers.Select(Totals)],
            Consumed = parts.Workload.Consumed.Snapshot().Sum(),
            ConsumerRestarts = parts.Workload.ConsumerRestarts,
            Errors = parts.Workload.Errors.Snapshot(),
            EndOffsets = parts.EndOffsets,
            CommittedOffsets = parts.Inputs.CommittedOffsets,
            Replicas = parts.Inputs.Replicas,
            Crashes = parts.Inputs.Crashes,
            StopExitCodes = parts.StopExitCodes,
            Timeline = Timeline.Build(parts.Inputs.Producers, parts.Workload.Consumed.Snapshot(), elapsed),
            OutputDirectory = parts.OutputDirectory,
        };
    }

    private static ProducerTotals Totals(ProducerResult p) => new(
        p.Spec.Name,
        p.Spec.Acks.ToString().ToLowerInvariant(),
        p.Spec.Keyed,
        p.Spec.Compression.ToString().ToLowerInvariant(),
        p.Spec.Idempotent,
        p.Sent,
        p.Acks.Count,
        p.Failures.Count,
        p.Failures.GroupBy(f => f.Code.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count()));
}
