using System.Net;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// The one check every address goes through before faultlab sends anything to it or writes a rule
/// about it: it must be a broker this lab started, on the address of a namespace this lab made (or a
/// loopback port it handed out). Anything else is refused with a <see cref="LabException"/>,
/// so a bug can never turn the nemesis or the workload on somebody else's hosts. Immutable.
/// </summary>
public sealed class TargetGuard
{
    private readonly IReadOnlyList<NodeEndpoint> _nodes;

    public TargetGuard(IEnumerable<NodeEndpoint> nodes) => _nodes = [.. nodes];

    /// <summary>Refuses an address that is not one of the lab's brokers.</summary>
    public void CheckHost(IPAddress host)
    {
        if (!_nodes.Any(n => n.Host.Equals(host)))
        {
            throw new LabException($"{host} is not an address of a broker this lab started ({Known()})");
        }
    }

    /// <summary>Refuses a URL whose host and port are not one of the lab's brokers' ports.</summary>
    public void CheckUrl(Uri url)
    {
        if (!IPAddress.TryParse(url.Host, out var host)
            || !_nodes.Any(n => n.Host.Equals(host) && (url.Port == n.GrpcPort || url.Port == n.HttpPort)))
        {
            throw new LabException($"{url} is not a broker this lab started ({Known()})");
        }
    }

    /// <summary>Checks every address of a comma-separated bootstrap list and returns the list unchanged.</summary>
    public string CheckBootstrap(string servers)
    {
        foreach (var server in servers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            CheckUrl(new Uri(server));
        }

        return servers;
    }

    private string Known() => string.Join(", ", _nodes.Select(n => n.GrpcAddress));
}
