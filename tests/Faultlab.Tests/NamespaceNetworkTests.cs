using System.Diagnostics;
using System.Globalization;
using LogBroker.Faultlab.Hosts;
using LogBroker.Faultlab.Nemesis;
using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>
/// The lab's network for real: namespaces joined by a bridge, and nftables cuts checked by connecting
/// from one namespace to a closed port of another. Reachable, the other side refuses at once (RST);
/// cut, nothing answers and the attempt times out.
/// </summary>
public class NamespaceNetworkTests
{
    [SkippableFact]
    public async Task A_bridge_cut_separates_the_two_ends_and_healing_joins_them_again()
    {
        Capabilities.RequireNamespaces();
        Skip.IfNot((await CommandRunner.RunAsync("nft", ["--version"])).Succeeded, "nft is not installed");
        using var claimed = new ClaimedRun();
        var run = claimed.Run;
        await using (var network = await NamespaceNetwork.CreateAsync(run, 3, TextWriter.Null))
        {
            Assert.True(network.CanPartition);
            Assert.True(await Reaches(network, run, 1, 3));

            await network.ApplyAsync(NetworkPartition.Bridge([1], 2, [3]));

            Assert.False(await Reaches(network, run, 1, 3));
            Assert.False(await Reaches(network, run, 3, 1));
            Assert.True(await Reaches(network, run, 1, 2));
            Assert.True(await Reaches(network, run, 2, 3));

            await network.HealAsync();

            Assert.True(await Reaches(network, run, 1, 3));
        }

        Assert.DoesNotContain(run.Id, (await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Id, (await CommandRunner.RunAsync("ip", ["-o", "link", "show"])).Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Each_node_has_its_own_address_reached_through_the_run_bridge()
    {
        Capabilities.RequireNamespaces();
        using var claimed = new ClaimedRun();
        var run = claimed.Run;
        await using var network = await NamespaceNetwork.CreateAsync(run, 2, TextWriter.Null);

        Assert.Equal(2, network.Nodes.Select(n => n.Host).Distinct().Count());
        Assert.All(network.Nodes, n => Assert.StartsWith("10.213.", n.Host.ToString(), StringComparison.Ordinal));
        foreach (var node in network.Nodes)
        {
            var route = await CommandRunner.RunCheckedAsync("ip", ["-4", "route", "get", node.Host.ToString()]);
            Assert.Contains($"dev {run.Bridge}", route.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(["ip", "netns", "exec", run.Namespace(2)], network.LaunchPrefix(2));
    }

    /// <summary>Whether a TCP connection from node <paramref name="from"/> to a closed port of node <paramref name="to"/> is answered (refused) rather than left unanswered.</summary>
    private static async Task<bool> Reaches(ILabNetwork network, RunIdentity run, int from, int to)
    {
        var target = network.Nodes[to - 1].Host;
        network.Guard.CheckHost(target);
        var watch = Stopwatch.StartNew();
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", run.Namespace(from), "timeout", "2", "bash", "-c", string.Create(CultureInfo.InvariantCulture, $"exec 3<>/dev/tcp/{target}/9")]);
        return result.ExitCode != 124 && watch.Elapsed < TimeSpan.FromSeconds(2) && result.Stderr.Contains("refused", StringComparison.OrdinalIgnoreCase);
    }
}
