namespace LogBroker.Faultlab.Nemesis;

/// <summary>What the nemesis can do to the cluster. Each kind has a command-line name (<see cref="FaultKinds.Name"/>).</summary>
public enum FaultKind
{
    /// <summary>SIGKILL one broker, start it again when the fault ends.</summary>
    Kill,

    /// <summary>SIGSTOP one broker (a frozen process: a zombie leader), SIGCONT when the fault ends.</summary>
    Pause,

    /// <summary>Fill one broker's data filesystem to the last byte, free it when the fault ends.</summary>
    DiskFull,

    /// <summary>Stop every broker cleanly (SIGTERM) and start it again, one after the other.</summary>
    Restart,

    /// <summary>Cut one broker off from all the others.</summary>
    Isolate,

    /// <summary>Split the brokers into a minority and a majority that cannot see each other.</summary>
    Split,

    /// <summary>Two groups that cannot see each other, and one broker that sees both (A–B–C: A and C apart).</summary>
    Bridge,
}

/// <summary>Names, groups and requirements of the <see cref="FaultKind"/>s.</summary>
public static class FaultKinds
{
    public static readonly IReadOnlyList<FaultKind> All = Enum.GetValues<FaultKind>();

    public static string Name(this FaultKind kind) => kind switch
    {
        FaultKind.Kill => "kill",
        FaultKind.Pause => "pause",
        FaultKind.DiskFull => "disk-full",
        FaultKind.Restart => "restart",
        FaultKind.Isolate => "isolate",
        FaultKind.Split => "split",
        FaultKind.Bridge => "bridge",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string name, out FaultKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>A cut in the network between brokers: needs network namespaces and nftables.</summary>
    public static bool IsNetwork(this FaultKind kind) => kind is FaultKind.Isolate or FaultKind.Split or FaultKind.Bridge;

    /// <summary>Acts on broker processes or their disks: two of these on one broker at once would interfere (a pause of a killed process).</summary>
    public static bool IsNodeFault(this FaultKind kind) => !kind.IsNetwork();

    /// <summary>Brokers the fault needs to mean anything: a split of two is an isolation, a bridge needs three.</summary>
    public static int MinimumBrokers(this FaultKind kind) => kind switch
    {
        FaultKind.Isolate => 2,
        FaultKind.Split or FaultKind.Bridge => 3,
        _ => 1,
    };

    /// <summary>The kinds a lab of <paramref name="brokers"/> brokers can inject, given what the machine allows.</summary>
    public static IReadOnlyList<FaultKind> Applicable(int brokers, bool canPartition, bool canFillDisk) =>
        [.. All.Where(k => brokers >= k.MinimumBrokers() && (canPartition || !k.IsNetwork()) && (canFillDisk || k != FaultKind.DiskFull))];

    public static string Names(IEnumerable<FaultKind> kinds) => string.Join(',', kinds.Select(Name));
}
