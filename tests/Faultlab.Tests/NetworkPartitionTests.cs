using System.Net;
using LogBroker.Faultlab.Hosts;
using LogBroker.Faultlab.Nemesis;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class NetworkPartitionTests
{
    private static readonly IReadOnlyList<int> Five = [1, 2, 3, 4, 5];

    [Fact]
    public void Isolating_a_node_cuts_it_from_every_other_and_nothing_else()
    {
        var cut = NetworkPartition.Isolate(2, Five);

        Assert.Equal([1, 3, 4, 5], cut.BlockedPeersOf(2));
        Assert.Equal([2], cut.BlockedPeersOf(4));
        Assert.False(cut.Blocks(1, 3));
        Assert.Equal("isolate 2 | 1 3 4 5", cut.Description);
    }

    [Fact]
    public void A_split_cuts_the_minority_from_the_majority_only()
    {
        var cut = NetworkPartition.Split([4, 1], Five);

        Assert.True(cut.Blocks(1, 2) && cut.Blocks(4, 5) && cut.Blocks(3, 1));
        Assert.False(cut.Blocks(1, 4));
        Assert.False(cut.Blocks(2, 5));
        Assert.Equal(6, cut.BlockedPairs.Count);
        Assert.Equal("split 1 4 | 2 3 5", cut.Description);
    }

    [Fact]
    public void A_bridge_keeps_its_middle_node_in_touch_with_both_sides()
    {
        var cut = NetworkPartition.Bridge([1], 2, [3]);

        Assert.True(cut.Blocks(1, 3));
        Assert.False(cut.Blocks(1, 2));
        Assert.False(cut.Blocks(2, 3));
        Assert.Empty(cut.BlockedPeersOf(2));
        Assert.Equal("bridge 1 - 2 - 3", cut.Description);
    }

    [Fact]
    public void Impossible_cuts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => NetworkPartition.Split([1, 2, 3], Five));
        Assert.Throws<ArgumentException>(() => NetworkPartition.Bridge([1], 1, [2]));
        Assert.Throws<ArgumentException>(() => NetworkPartition.Isolate(6, Five));
    }

    [Fact]
    public void The_rules_of_a_bridge_drop_only_what_each_node_must_not_see()
    {
        var nodes = Nodes(3);
        var guard = new TargetGuard(nodes.Values);
        var cut = NetworkPartition.Bridge([1], 2, [3]);

        var first = NftRuleset.For(1, cut, nodes, guard);
        var middle = NftRuleset.For(2, cut, nodes, guard);

        Assert.Contains("ip saddr { 10.213.9.3 } drop", first, StringComparison.Ordinal);
        Assert.Contains("ip daddr { 10.213.9.3 } drop", first, StringComparison.Ordinal);
        Assert.Contains("hook input", first, StringComparison.Ordinal);
        Assert.Contains("hook output", first, StringComparison.Ordinal);
        Assert.DoesNotContain("10.213.9.2", first, StringComparison.Ordinal);
        Assert.DoesNotContain("drop", middle, StringComparison.Ordinal);
        Assert.StartsWith("table inet faultlab {}\ndelete table inet faultlab\n", middle, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_about_an_address_the_lab_does_not_own_is_refused()
    {
        var nodes = Nodes(3);
        var guard = new TargetGuard([nodes[1], nodes[2]]);

        Assert.Throws<LabException>(() => NftRuleset.For(1, NetworkPartition.Isolate(1, [1, 2, 3]), nodes, guard));
    }

    private static Dictionary<int, NodeEndpoint> Nodes(int count) =>
        Enumerable.Range(1, count).ToDictionary(n => n, n => new NodeEndpoint(n, IPAddress.Parse($"10.213.9.{n}"), 9400, 9401, 9402));
}
