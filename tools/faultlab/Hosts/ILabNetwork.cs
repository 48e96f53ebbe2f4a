using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// The hosts the brokers run on and the network between them: network namespaces joined by a bridge
/// (<see cref="NamespaceNetwork"/>), or plain loopback ports where namespaces cannot be made
/// (<see cref="LoopbackNetwork"/>: process faults only). Disposing removes everything it made.
/// </summary>
public interface ILabNetwork : IAsyncDisposable
{
    /// <summary>One line for the report: what was built, and where.</summary>
    string Description { get; }

    /// <summary>Whether the network between brokers can be cut (<see cref="ApplyAsync"/>).</summary>
    bool CanPartition { get; }

    /// <summary>The brokers' endpoints, node ids from 1.</summary>
    IReadOnlyList<NodeEndpoint> Nodes { get; }

    /// <summary>The addresses this network owns; nothing else is ever targeted.</summary>
    TargetGuard Guard { get; }

    /// <summary>The command that runs the rest of a command line on <paramref name="node"/>'s host (<c>ip netns exec NS</c>, or nothing).</summary>
    IReadOnlyList<string> LaunchPrefix(int node);

    /// <summary>Cuts the network as <paramref name="partition"/> says, replacing any earlier cut.</summary>
    Task ApplyAsync(NetworkPartition partition);

    /// <summary>Lets all traffic flow again.</summary>
    Task HealAsync();
}
