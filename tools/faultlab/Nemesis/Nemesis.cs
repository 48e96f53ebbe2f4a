using System.Globalization;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// Runs a schedule against the lab: each fault waits for its planned start and for every earlier fault
/// of the schedule it must not run alongside (<see cref="FaultSchedule.Exclusive"/>) to have healed,
/// then injects, waits its duration and heals. The schedule already keeps such faults apart in time;
/// waiting on them keeps them apart, in the schedule's order, when the real world runs late (a broker
/// slow to restart). A fault that cannot be injected or healed is recorded with its problem and the
/// campaign goes on. One line per step goes to the log.
/// </summary>
public sealed class Nemesis
{
    private readonly LabCluster _cluster;
    private readonly CampaignClock _clock;
    private readonly FaultInjector _injector;
    private readonly string _topic;
    private readonly bool _allowOverlap;
    private readonly TextWriter _log;

    public Nemesis(LabCluster cluster, CampaignClock clock, string topic, bool allowOverlap, TextWriter log)
    {
        _cluster = cluster;
        _clock = clock;
        _injector = new FaultInjector(cluster, clock, topic);
        _topic = topic;
        _allowOverlap = allowOverlap;
        _log = log;
    }

    /// <summary>
    /// Runs every fault of <paramref name="plan"/> (its times counted from <paramref name="origin"/> on the
    /// campaign clock: the workload's start) and returns them as they happened, in schedule order, once
    /// the last one has healed.
    /// </summary>
    public async Task<IReadOnlyList<InjectedFault>> RunAsync(IReadOnlyList<PlannedFault> plan, TimeSpan origin, CancellationToken cancellationToken)
    {
        var ordered = plan.OrderBy(f => f.Index).ToList();
        var healed = new Dictionary<int, Task<InjectedFault>>();
        foreach (var fault in ordered)
        {
            var before = ordered.TakeWhile(f => f.Index < fault.Index).Where(f => FaultSchedule.Exclusive(f, fault, _allowOverlap)).Select(f => (Task)healed[f.Index]).ToList();
            healed[fault.Index] = RunOneAsync(fault, origin, before, cancellationToken);
        }

        var done = await Task.WhenAll(healed.Values);
        return [.. done.OrderBy(f => f.Index)];
    }

    private async Task<InjectedFault> RunOneAsync(PlannedFault fault, TimeSpan origin, List<Task> before, CancellationToken cancellationToken)
    {
        if (origin + fault.Start - _clock.Elapsed is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, cancellationToken);
        }

        await Task.WhenAll(before).WaitAsync(cancellationToken);
        return await InjectAndHealAsync(fault, (origin + fault.Start).TotalSeconds, cancellationToken);
    }

    private async Task<InjectedFault> InjectAndHealAsync(PlannedFault fault, double plannedStart, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        string? problem = null;
        if (fault.Kind.IsNodeFault() && fault.Kind != FaultKind.Restart)
        {
            var leads = await _cluster.LeadershipAsync(_topic, cancellationToken);
            notes.Add(leads.TryGetValue(fault.Nodes[0], out var partitions) ? $"node {fault.Nodes[0]} led partition(s) {string.Join(',', partitions)}" : $"node {fault.Nodes[0]} led no partition");
        }

        var start = _clock.NowSeconds;
        Log(start, $"#{fault.Index} {fault.Description}");
        try
        {
            await _injector.InjectAsync(fault, notes, cancellationToken);
        }
        catch (LabException e)
        {
            problem = $"injecting failed: {e.Message}";
        }

        if (problem is null && fault.Kind != FaultKind.Restart)
        {
            await Task.Delay(fault.Duration, cancellationToken);
        }

        try
        {
            await _injector.HealAsync(fault, notes, cancellationToken);
            await _injector.ReviveCrashedAsync(fault, notes, cancellationToken);
        }
        catch (LabException e)
        {
            problem ??= $"healing failed: {e.Message}";
        }

        var end = _clock.NowSeconds;
        Log(end, $"#{fault.Index} healed after {end - start:F1} s{(problem is null ? string.Empty : "; PROBLEM: " + problem)}{(notes.Count == 0 ? string.Empty : "; " + string.Join("; ", notes))}");
        return new InjectedFault(fault.Index, fault.Kind, fault.Description, fault.Nodes, plannedStart, start, end, notes, problem);
    }

    private void Log(double at, string what) => _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"faultlab: +{at,7:F1} s  {what}"));
}
