using System.Net;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class BrokerArgumentsTests
{
    private static readonly NodeEndpoint[] Nodes = [.. Enumerable.Range(1, 3).Select(n => new NodeEndpoint(n, IPAddress.Parse($"10.213.8.{n}"), 9400, 9401, 9402))];

    [Fact]
    public void One_broker_runs_with_today_single_node_flags_on_its_own_address()
    {
        var args = BrokerArguments.For(Nodes[0], [Nodes[0]], "/data/node1");

        Assert.Equal("10.213.8.1", After(args, "--bind"));
        Assert.Equal("10.213.8.1", After(args, "--advertised-host"));
        Assert.Equal("1", After(args, "--node-id"));
        Assert.Equal("/data/node1", After(args, "--data-dir"));
        Assert.DoesNotContain("--controller-voters", args);
    }

    [Fact]
    public void A_cluster_runs_every_broker_as_a_voter_of_one_quorum()
    {
        var args = BrokerArguments.For(Nodes[1], Nodes, "/data/node2");

        Assert.Equal("2", After(args, "--node-id"));
        Assert.Equal("9402", After(args, "--controller-port"));
        Assert.Equal("1@10.213.8.1:9402,2@10.213.8.2:9402,3@10.213.8.3:9402", After(args, "--controller-voters"));
    }

    private static string After(IReadOnlyList<string> args, string flag) => args[args.ToList().IndexOf(flag) + 1];
}
