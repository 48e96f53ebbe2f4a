using System.Globalization;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// Does and undoes one fault on the lab: the mechanics per <see cref="FaultKind"/>, with notes of what
/// happened for the report. Injection and healing throw <see cref="LabException"/> when a step fails;
/// the <see cref="Nemesis"/> records it. Called with the fault's brokers locked.
/// </summary>
public sealed class FaultInjector(LabCluster cluster, CampaignClock clock, string topic)
{
    /// <summary>How long a rolling restart waits for a restarted broker to rejoin every in-sync set before it moves on anyway.</summary>
    public static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(60);

    public async Task InjectAsync(PlannedFault fault, List<string> notes, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.Kill:
                var killed = cluster.Node(fault.Nodes[0]);
                notes.Add(Invariant($"pid {killed.ProcessId}"));
                await killed.KillAsync();
                break;
            case FaultKind.Pause:
                var paused = cluster.Node(fault.Nodes[0]);
                notes.Add(Invariant($"pid {paused.ProcessId}"));
                await paused.PauseAsync();
                break;
            case FaultKind.DiskFull:
                var taken = cluster.VolumeOf(fault.Nodes[0]).Fill(cancellationToken);
                notes.Add(Invariant($"ballast of {taken / (1024.0 * 1024):F1} MiB leaves {cluster.VolumeOf(fault.Nodes[0]).FreeBytes()} bytes free"));
                break;
            case FaultKind.Restart:
                foreach (var node in fault.Nodes)
                {
                    await RestartAsync(cluster.Node(node), notes, cancellationToken);
                    if (!await cluster.WaitUntilInSyncAsync(node, topic, RejoinTimeout, cancellationToken))
                    {
                        notes.Add(Invariant($"node {node} was not back in every in-sync set within {RejoinTimeout.TotalSeconds:F0} s; moving on"));
                    }
                }

                break;
            default:
                await cluster.Network.ApplyAsync(fault.Partition!);
                break;
        }
    }

    public async Task HealAsync(PlannedFault fault, List<string> notes, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.Kill:
                await StartTimedAsync(cluster.Node(fault.Nodes[0]), notes, cancellationToken);
                break;
            case FaultKind.Pause:
                await cluster.Node(fault.Nodes[0]).ResumeAsync();
                break;
            case FaultKind.DiskFull:
                cluster.VolumeOf(fault.Nodes[0]).Drain();
                break;
            case FaultKind.Restart:
                break;
            default:
                await cluster.Network.HealAsync();
                break;
        }
    }

    /// <summary>Starts again any broker of the fault that is not running (it crashed meanwhile), so the campaign goes on; the crash itself is already on record.</summary>
    public async Task ReviveCrashedAsync(PlannedFault fault, List<string> notes, CancellationToken cancellationToken)
    {
        foreach (var node in fault.Nodes.Select(cluster.Node).Where(b => !b.IsRunning))
        {
            notes.Add($"node {node.NodeId} was not running after the fault: started again");
            await StartTimedAsync(node, notes, cancellationToken);
        }
    }

    private async Task RestartAsync(BrokerProcess broker, List<string> notes, CancellationToken cancellationToken)
    {
        var exit = await broker.StopAsync(LabCluster.StopTimeout);
        notes.Add(exit is { } code ? Invariant($"node {broker.NodeId} stopped with exit code {code}") : $"node {broker.NodeId} ignored SIGTERM and was killed");
        await StartTimedAsync(broker, notes, cancellationToken);
    }

    private async Task StartTimedAsync(BrokerProcess broker, List<string> notes, CancellationToken cancellationToken)
    {
        var started = clock.NowSeconds;
        await broker.StartAsync(LabCluster.ReadyTimeout, cancellationToken);
        notes.Add(Invariant($"node {broker.NodeId} ready {clock.NowSeconds - started:F1} s after start (pid {broker.ProcessId})"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
