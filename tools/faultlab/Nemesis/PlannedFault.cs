using System.Globalization;

namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// One fault of a schedule: what, to which brokers (node ids from 1), when (from the start of the
/// campaign) and for how long. For a kill, the duration is how long the broker stays dead before it is
/// started again; for a restart, the slot it is expected to take.
/// </summary>
public sealed record PlannedFault(int Index, FaultKind Kind, TimeSpan Start, TimeSpan Duration, IReadOnlyList<int> Nodes, NetworkPartition? Partition)
{
    public TimeSpan End => Start + Duration;

    /// <summary>"kill -9 node 2", "SIGSTOP node 1", "fill the disk of node 3", "rolling restart of 1 2 3", "bridge 1 - 2 - 3".</summary>
    public string Description => Kind switch
    {
        FaultKind.Kill => $"kill -9 node {Nodes[0]}",
        FaultKind.Pause => $"SIGSTOP node {Nodes[0]}",
        FaultKind.DiskFull => $"fill the disk of node {Nodes[0]}",
        FaultKind.Restart => $"rolling restart of {string.Join(' ', Nodes)}",
        _ => Partition!.Description,
    };

    /// <summary>One line of a schedule listing: "#3 at +12.5 s for 4.0 s: kill -9 node 2".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"#{Index} at +{Start.TotalSeconds:F1} s for {Duration.TotalSeconds:F1} s: {Description}");
}
