using System.Text;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// The nftables script that makes one broker's network namespace drop its traffic to and from the
/// peers a <see cref="NetworkPartition"/> cuts it off from. The table lives inside the broker's own
/// namespace, so it can touch nothing else on the machine; the script first creates and deletes the
/// table, so applying it replaces the previous partition atomically (one <c>nft -f</c> transaction)
/// and an empty partition leaves no table at all. Drop, not reject: a real partition answers nothing.
/// </summary>
public static class NftRuleset
{
    public const string Table = "faultlab";

    /// <summary>The script for <paramref name="node"/>; every address in it is checked against <paramref name="guard"/> first.</summary>
    public static string For(int node, NetworkPartition partition, IReadOnlyDictionary<int, NodeEndpoint> nodes, TargetGuard guard)
    {
        var peers = partition.BlockedPeersOf(node).Select(peer => nodes[peer].Host).ToList();
        foreach (var address in peers)
        {
            guard.CheckHost(address);
        }

        var script = new StringBuilder();
        script.Append("table inet ").Append(Table).Append(" {}\n");
        script.Append("delete table inet ").Append(Table).Append('\n');
        if (peers.Count == 0)
        {
            return script.ToString();
        }

        var set = string.Join(", ", peers.Select(p => p.ToString()));
        script.Append("table inet ").Append(Table).Append(" {\n");
        script.Append("  chain input {\n    type filter hook input priority 0; policy accept;\n    ip saddr { ").Append(set).Append(" } drop\n  }\n");
        script.Append("  chain output {\n    type filter hook output priority 0; policy accept;\n    ip daddr { ").Append(set).Append(" } drop\n  }\n");
        script.Append("}\n");
        return script.ToString();
    }

    /// <summary>Removes the table: the namespace's traffic flows again.</summary>
    public static string Heal() => $"table inet {Table} {{}}\ndelete table inet {Table}\n";
}
