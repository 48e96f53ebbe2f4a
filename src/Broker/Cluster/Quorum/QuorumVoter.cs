using System.Globalization;
using System.Net;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// One entry of <c>--controller-voters</c> (Kafka's <c>controller.quorum.voters</c>): <c>id@host:port</c>,
/// the node id and the TCP endpoint its quorum member listens on.
/// </summary>
public sealed record QuorumVoter(int NodeId, string Host, int Port)
{
    public override string ToString() => $"{NodeId}@{Host}:{Port}";

    public IPEndPoint ResolveEndPoint() =>
        new(IPAddress.TryParse(Host, out var address) ? address : Dns.GetHostAddresses(Host)[0], Port);

    /// <summary>Parses a comma-separated list like <c>1@127.0.0.1:9402,2@127.0.0.1:9412</c>; throws naming the bad entry.</summary>
    public static IReadOnlyList<QuorumVoter> ParseList(string voters)
    {
        var result = new List<QuorumVoter>();
        foreach (var raw in voters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = raw.IndexOf('@', StringComparison.Ordinal);
            var colon = raw.LastIndexOf(':');
            if (at <= 0 || colon <= at + 1
                || !int.TryParse(raw.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !int.TryParse(raw.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                throw new FormatException($"controller voter '{raw}' is not of the form id@host:port");
            }

            var host = raw[(at + 1)..colon].Trim('[', ']');
            if (result.Exists(v => v.NodeId == id))
            {
                throw new FormatException($"controller voter id {id} is listed twice");
            }

            result.Add(new QuorumVoter(id, host, port));
        }

        if (result.Count == 0)
        {
            throw new FormatException("the controller voter list is empty");
        }

        return result;
    }
}
