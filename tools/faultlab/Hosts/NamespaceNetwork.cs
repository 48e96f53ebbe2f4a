using System.Globalization;
using System.Net;
using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// One network namespace per broker (its own host: own address, own ports, own firewall), each joined
/// to a bridge in the root namespace by a veth pair; faultlab reaches every broker through the
/// bridge's address (10.213.X.254), the brokers reach each other through the bridge. Partitions are
/// nftables rules inside the brokers' namespaces (<see cref="NftRuleset"/>). Everything made is
/// recorded as it is made and removed in reverse order on dispose, also after a failed build.
/// </summary>
public sealed class NamespaceNetwork : ILabNetwork
{
    private const int BridgeHost = 254;
    private readonly RunIdentity _run;
    private readonly Stack<(string What, Func<Task> Undo)> _made = new();
    private readonly TextWriter _log;
    private IReadOnlyDictionary<int, NodeEndpoint> _byId = new Dictionary<int, NodeEndpoint>();

    private NamespaceNetwork(RunIdentity run, TextWriter log)
    {
        _run = run;
        _log = log;
    }

    public string Description { get; private set; } = string.Empty;

    public bool CanPartition { get; private set; }

    public IReadOnlyList<NodeEndpoint> Nodes { get; private set; } = [];

    public TargetGuard Guard { get; private set; } = new([]);

    /// <summary>What the network is cut by now, or null when it is whole.</summary>
    public NetworkPartition? Current { get; private set; }

    /// <summary>
    /// Builds the namespaces, links and addresses for <paramref name="nodes"/> brokers and checks that
    /// each address is reached through this run's bridge and nothing else. Throws <see cref="LabException"/>
    /// (after removing what was made) when any step fails, e.g. when not root.
    /// </summary>
    public static async Task<NamespaceNetwork> CreateAsync(RunIdentity run, int nodes, TextWriter log)
    {
        var network = new NamespaceNetwork(run, log);
        try
        {
            await network.BuildAsync(nodes);
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    public IReadOnlyList<string> LaunchPrefix(int node) => ["ip", "netns", "exec", _run.Namespace(node)];

    public async Task ApplyAsync(NetworkPartition partition)
    {
        if (!CanPartition)
        {
            throw new InvalidOperationException("nftables is not available: the network cannot be cut");
        }

        foreach (var node in Nodes)
        {
            await CommandRunner.RunCheckedAsync("ip", ["netns", "exec", _run.Namespace(node.NodeId), "nft", "-f", "-"], NftRuleset.For(node.NodeId, partition, _byId, Guard));
        }

        Current = partition;
    }

    public async Task HealAsync()
    {
        if (!CanPartition)
        {
            return;
        }

        foreach (var node in Nodes)
        {
            await CommandRunner.RunCheckedAsync("ip", ["netns", "exec", _run.Namespace(node.NodeId), "nft", "-f", "-"], NftRuleset.Heal());
        }

        Current = null;
    }

    /// <summary>Removes every namespace, link and address this network made, newest first; a step that fails is reported and the rest still run.</summary>
    public async ValueTask DisposeAsync()
    {
        while (_made.TryPop(out var made))
        {
            try
            {
                await made.Undo();
            }
            catch (LabException e)
            {
                _log.WriteLine($"faultlab: could not remove {made.What}: {e.Message}");
            }
        }
    }

    private async Task BuildAsync(int nodes)
    {
        int octet;
        using (await SubnetChooser.LockAsync())
        {
            octet = await SubnetChooser.ChooseFreeAsync(_run);
            var bridgeAddress = Address(octet, BridgeHost);
            await MakeAsync($"bridge {_run.Bridge}", ["link", "add", _run.Bridge, "type", "bridge"], ["link", "del", _run.Bridge]);
            await IpAsync("addr", "add", $"{bridgeAddress}/24", "dev", _run.Bridge);
            await IpAsync("link", "set", _run.Bridge, "up");
        }

        var endpoints = new List<NodeEndpoint>();
        for (var node = 1; node <= nodes; node++)
        {
            var ns = _run.Namespace(node);
            var address = Address(octet, node);
            await MakeAsync($"namespace {ns}", ["netns", "add", ns], ["netns", "del", ns], before: () => KillProcessesInAsync(ns));
            await MakeAsync($"veth {_run.HostVeth(node)}", ["link", "add", _run.HostVeth(node), "type", "veth", "peer", "name", _run.NodeVeth(node)], ["link", "del", _run.HostVeth(node)], ignoreMissing: true);
            await IpAsync("link", "set", _run.NodeVeth(node), "netns", ns);
            await IpAsync("link", "set", _run.HostVeth(node), "master", _run.Bridge);
            await IpAsync("link", "set", _run.HostVeth(node), "up");
            await IpAsync("-n", ns, "link", "set", "lo", "up");
            await IpAsync("-n", ns, "addr", "add", $"{address}/24", "dev", _run.NodeVeth(node));
            await IpAsync("-n", ns, "link", "set", _run.NodeVeth(node), "up");
            endpoints.Add(new NodeEndpoint(node, address, 9400, 9401, 9402));
        }

        Nodes = endpoints;
        _byId = endpoints.ToDictionary(e => e.NodeId);
        Guard = new TargetGuard(endpoints);
        await VerifyOwnershipAsync();
        CanPartition = await NftablesWorksAsync();
        Description = string.Create(CultureInfo.InvariantCulture, $"network namespaces {_run.Namespace(1)}..{nodes} on {SubnetChooser.Range}.{octet}.0/24 joined by bridge {_run.Bridge} ({Address(octet, BridgeHost)})")
            + (CanPartition ? "; partitions by nftables" : "; nft is missing, so the network cannot be cut (apt-get install -y nftables)");
    }

    /// <summary>Before anything is sent: each address must sit in its own namespace and be routed through this run's bridge only.</summary>
    private async Task VerifyOwnershipAsync()
    {
        foreach (var node in Nodes)
        {
            var inside = await CommandRunner.RunCheckedAsync("ip", ["-n", _run.Namespace(node.NodeId), "-4", "-o", "addr", "show", "dev", _run.NodeVeth(node.NodeId)]);
            var route = await CommandRunner.RunCheckedAsync("ip", ["-4", "route", "get", node.Host.ToString()]);
            if (!inside.Stdout.Contains($" {node.Host}/24 ", StringComparison.Ordinal) || !route.Stdout.Contains($" dev {_run.Bridge} ", StringComparison.Ordinal))
            {
                throw new LabException($"{node.Host} is not reached through this run's bridge {_run.Bridge} alone (route: {route.Stdout.Trim()}); another network on this machine uses it");
            }
        }
    }

    private async Task<bool> NftablesWorksAsync()
    {
        var probe = await CommandRunner.RunAsync("ip", ["netns", "exec", _run.Namespace(1), "nft", "list", "tables"]);
        if (!probe.Succeeded)
        {
            _log.WriteLine($"faultlab: nftables does not work here ({probe.Failure}); network partitions are off");
        }

        return probe.Succeeded;
    }

    private async Task MakeAsync(string what, string[] make, string[] undo, Func<Task>? before = null, bool ignoreMissing = false)
    {
        await CommandRunner.RunCheckedAsync("ip", make);
        _made.Push((what, async () =>
        {
            if (before is not null)
            {
                await before();
            }

            var result = await CommandRunner.RunAsync("ip", undo);
            // A veth goes with its namespace: deleting the namespace may already have removed it.
            if (!result.Succeeded && !(ignoreMissing && result.Stderr.Contains("Cannot find device", StringComparison.Ordinal)))
            {
                throw new LabException(result.Failure);
            }
        }));
    }

    /// <summary>Anything still running in a namespace about to go is ours (only this lab starts processes there): kill it first.</summary>
    private static async Task KillProcessesInAsync(string ns)
    {
        var pids = await CommandRunner.RunAsync("ip", ["netns", "pids", ns]);
        foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await CommandRunner.RunAsync("kill", ["-KILL", pid]);
        }
    }

    private static Task<CommandResult> IpAsync(params string[] args) => CommandRunner.RunCheckedAsync("ip", args);

    private static IPAddress Address(int octet, int host) => IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"{SubnetChooser.Range}.{octet}.{host}"));
}
