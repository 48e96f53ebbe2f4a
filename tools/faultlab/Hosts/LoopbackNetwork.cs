using System.Net;
using System.Net.Sockets;
using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// Every broker on 127.0.0.1 with ports of its own, for machines where network namespaces cannot be
/// made (not root, or no <c>ip netns</c>): the process faults work, the network cannot be cut.
/// </summary>
public sealed class LoopbackNetwork : ILabNetwork
{
    public LoopbackNetwork(int nodes)
    {
        Nodes = [.. Enumerable.Range(1, nodes).Select(id => new NodeEndpoint(id, IPAddress.Loopback, FreePort(), FreePort(), FreePort()))];
        Guard = new TargetGuard(Nodes);
    }

    public string Description => $"loopback: {Nodes.Count} broker(s) on 127.0.0.1, ports {string.Join(", ", Nodes.Select(n => n.GrpcPort))}; the network cannot be cut";

    public bool CanPartition => false;

    public IReadOnlyList<NodeEndpoint> Nodes { get; }

    public TargetGuard Guard { get; }

    public IReadOnlyList<string> LaunchPrefix(int node) => [];

    public Task ApplyAsync(NetworkPartition partition) =>
        throw new InvalidOperationException("brokers on loopback share one network: it cannot be partitioned");

    public Task HealAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A port the OS says is free now; the broker binds it moments later.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
