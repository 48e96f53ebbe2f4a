using System.Globalization;
using LogBroker.Client;
using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Cli;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Reporting;
using LogBroker.Faultlab.Workload;
using LogBroker.Protocol;

namespace LogBroker.Faultlab;

/// <summary>
/// One campaign from start to verdict: build the lab, start the brokers, create the topic, run the
/// workload while the nemesis works through the schedule, let the cluster settle, stop producing, let
/// the readers catch up, replay everything twice (raw and through the client), read the committed
/// offsets, stop the brokers cleanly, compare the stored replicas, check, report. Whatever happens,
/// everything it made is removed on the way out (the <c>await using</c>s, innermost first).
/// </summary>
public sealed class Campaign(CampaignSettings settings, string brokerDll, string outputDirectory, TextWriter log)
{
    public const string Topic = "faultlab";
    public const string Group = "faultlab-group";

    /// <summary>Longest wait for producers to settle every record they sent, and for readers to catch up.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    public async Task<CampaignReport> RunAsync(RunIdentity run, CancellationToken cancellationToken)
    {
        var clock = new CampaignClock();
        await using var lab = await Lab.BuildAsync(run, settings, log);
        log.WriteLine($"faultlab: run {run}: {lab.Network.Description}");
        var kinds = ResolveKinds(lab);
        var plan = FaultSchedule.Plan(settings.Seed, settings.Brokers, kinds, settings.FaultWindowStart, settings.FaultWindowEnd, settings.AllowOverlap);
        log.WriteLine(Invariant($"faultlab: seed {settings.Seed}: {plan.Count} fault(s) of {(kinds.Count == 0 ? "no kind" : FaultKinds.Names(kinds))} between +{settings.FaultWindowStart.TotalSeconds:F0} s and +{settings.FaultWindowEnd.TotalSeconds:F0} s of the workload"));
        foreach (var fault in plan)
        {
            log.WriteLine("faultlab:   " + fault);
        }

        await using var cluster = new LabCluster(lab.Network, lab.Volumes, brokerDll, outputDirectory, run, clock);
        using var killOnAbort = cancellationToken.Register(cluster.KillAllNow);
        log.WriteLine($"faultlab: starting {settings.Brokers} broker(s); logs in {outputDirectory}");
        await cluster.StartAllAsync(cancellationToken);
        await cluster.VerifyFormationAsync(cancellationToken);
        await using (var admin = cluster.Admin())
        {
            await TopicSetup.CreateAsync(admin, Topic, settings.Partitions, settings.Brokers, cancellationToken);
        }

        await using var workload = new CampaignWorkload(cluster.Bootstrap, lab.Network.Guard, Topic, Group, settings.Partitions, settings.RecordsPerSecond, settings.RecordSize, settings.Consumers, clock);
        var origin = clock.Elapsed;
        log.WriteLine(Invariant($"faultlab: +{origin.TotalSeconds,7:F1} s  workload started"));
        workload.Start();
        var faults = await new Nemesis.Nemesis(cluster, clock, Topic, settings.AllowOverlap, log).RunAsync(plan, origin, cancellationToken);
        var quietUntil = TimeSpan.FromTicks(Math.Max((origin + settings.Duration).Ticks, (clock.Elapsed + settings.Quiet).Ticks));
        await Task.Delay(quietUntil - clock.Elapsed, cancellationToken);

        log.WriteLine(Invariant($"faultlab: +{clock.NowSeconds,7:F1} s  stopping the producers"));
        var producers = await workload.StopProducingAsync(SettleTimeout, log);
        var endOffsets = await EndOffsetsAsync(cluster, cancellationToken);
        if (!await workload.WaitForReadersAsync(endOffsets, SettleTimeout, cancellationToken))
        {
            log.WriteLine($"faultlab: the readers did not reach the end offsets within {SettleTimeout.TotalSeconds:F0} s");
        }

        await workload.StopReadingAsync();
        log.WriteLine(Invariant($"faultlab: +{clock.NowSeconds,7:F1} s  replaying {endOffsets.Sum():N0} records from the beginning"));
        var replay = await LogReplay.ReadAsync(workload.Router, Topic, endOffsets, workload.Violations, workload.Errors, cancellationToken);
        var clientReplay = await ClientReplay.ReadAsync(cluster.Bootstrap, Topic, replay, cancellationToken);
        var (committed, committedProblem) = await CommittedOffsetsAsync(cluster, cancellationToken);
        var inSync = await InSyncReplicasAsync(cluster, cancellationToken);
        log.WriteLine(Invariant($"faultlab: +{clock.NowSeconds,7:F1} s  stopping the brokers cleanly and comparing their stored logs"));
        var stopCodes = await cluster.StopAllAsync();
        var replicas = ReplicaComparison.Compare(replay, inSync.ToDictionary(
            p => p.Key,
            p => (IReadOnlyDictionary<int, string>)p.Value.ToDictionary(node => node, node => Path.Combine(cluster.VolumeOf(node).DataDirectory, $"{Topic}-{p.Key}"))));

        var inputs = new CheckInputs(producers, replay, workload.GroupSeen, workload.TailSeen, workload.Violations, clientReplay, committed, committedProblem, replicas, [.. cluster.Brokers.SelectMany(b => b.Crashes)], faults, settings.Brokers == 1, settings.Consumers);
        var checks = LogChecker.Check(inputs, out var lost);
        return ReportBuilder.Build(new ReportBuilder.Parts(
            run, settings, clock, origin.TotalSeconds, lab, kinds, plan, faults, checks, lost, inputs, workload, endOffsets, stopCodes, outputDirectory));
    }

    /// <summary>The kinds to inject: those asked for (each must be possible here) or all this lab can do.</summary>
    private List<FaultKind> ResolveKinds(Lab lab)
    {
        var possible = FaultKinds.Applicable(settings.Brokers, lab.Network.CanPartition, lab.CanFillDisks);
        if (settings.Faults is not { } asked)
        {
            return [.. possible];
        }

        var impossible = asked.Except(possible).ToList();
        if (impossible.Count > 0)
        {
            throw new LabException($"{FaultKinds.Names(impossible)} cannot be injected here ({string.Join("; ", lab.Notes.DefaultIfEmpty($"{settings.Brokers} broker(s) are too few"))})");
        }

        return [.. asked];
    }

    private static async Task<IReadOnlyList<long>> EndOffsetsAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        await using var admin = cluster.Admin();
        var partitions = await admin.PartitionsOfAsync(Topic, cancellationToken);
        var latest = await admin.ListOffsetsAsync(partitions, OffsetSpecs.Latest, cancellationToken);
        return [.. partitions.Select(p => latest[p].Offset)];
    }

    private static async Task<(IReadOnlyDictionary<int, long> Offsets, string? Problem)> CommittedOffsetsAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            await using var admin = cluster.Admin();
            var committed = await admin.ListGroupOffsetsAsync(Group, cancellationToken);
            return (committed.Where(c => c.Key.Topic == Topic).ToDictionary(c => c.Key.Partition, c => c.Value.Offset), null);
        }
        catch (LogBrokerException e)
        {
            return (new Dictionary<int, long>(), e.Message);
        }
    }

    /// <summary>Per partition, the replicas in sync now (the ones whose stored logs must match below the high watermark).</summary>
    private static async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> InSyncReplicasAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        await using var admin = cluster.Admin();
        var described = await admin.DescribeTopicsAsync([Topic], cancellationToken: cancellationToken);
        return described.SelectMany(t => t.Partitions).ToDictionary(
            p => p.TopicPartition.Partition,
            p => p.InSyncReplicas.Count > 0 ? p.InSyncReplicas : p.Replicas.Count > 0 ? p.Replicas : (IReadOnlyList<int>)[p.Leader]);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
