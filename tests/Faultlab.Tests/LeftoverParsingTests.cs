using LogBroker.Faultlab.Cleanup;
using LogBroker.Faultlab.Hosts;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class LeftoverParsingTests
{
    [Fact]
    public void Names_come_out_of_ip_netns_list_and_ip_link_show()
    {
        Assert.Equal(["flab3a9c-node1", "flab3a9c-node2", "other"], LeftoverCleaner.NamespacesIn("flab3a9c-node1 (id: 3)\nflab3a9c-node2 (id: 4)\nother\n"));
        Assert.Equal(
            ["lo", "eth0", "flab3a9c-br", "flab3a9c-v1h"],
            LeftoverCleaner.LinksIn("1: lo: <LOOPBACK,UP> mtu 65536\n4: eth0: <BROADCAST> mtu 1400\n9: flab3a9c-br: <BROADCAST,MULTICAST,UP> mtu 1500\n10: flab3a9c-v1h@if11: <BROADCAST> mtu 1500 master flab3a9c-br\n"));
    }

    [Fact]
    public void A_run_mounts_are_found_by_their_source_or_their_place_and_nothing_else()
    {
        var run = RunIdentity.Parse("flab3a9c");
        var mounts = $"/dev/vda / ext4 rw 0 0\nflab3a9c-disk1 {run.VolumeMountPoint(1)} tmpfs rw,size=262144k 0 0\nflab3a9d-disk1 /tmp/faultlab/flab3a9d/node1 tmpfs rw 0 0\ntmpfs {run.RunDirectory}/node2 tmpfs rw 0 0\n";

        Assert.Equal([run.VolumeMountPoint(1), run.RunDirectory + "/node2"], LeftoverCleaner.MountsOf(mounts, run).Order());
    }

    [Fact]
    public void Run_ids_are_recognised_only_with_the_exact_prefix()
    {
        Assert.True(RunIdentity.TryFromName("flab3a9c-node1", out var run) && run.Id == "flab3a9c");
        Assert.True(RunIdentity.TryFromName("flab3a9c", out _));
        Assert.False(RunIdentity.TryFromName("flab3a9", out _));
        Assert.False(RunIdentity.TryFromName("flab3a9cX-br", out _));
        Assert.False(RunIdentity.TryFromName("xflab3a9c-br", out _));
        Assert.Throws<ArgumentException>(() => RunIdentity.Parse("flab3a9c-node1"));
        Assert.All(Enumerable.Range(0, 20).Select(_ => RunIdentity.New()), r => Assert.True(r.NodeVeth(5).Length <= 15 && r.Bridge.Length <= 15));
    }
}
