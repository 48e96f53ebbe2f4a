using System.Net;
using System.Net.Sockets;
using LogBroker.Broker.Cluster.Quorum;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

[Collection("Quorum")]
public sealed class QuorumLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Disposing_a_member_closes_its_listener_and_a_new_one_reopens_its_log()
    {
        await using var cluster = new QuorumCluster(1, output);
        var port = cluster.Voters[0].Port;
        var expected = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            var member = await cluster.StartAsync(1);
            Assert.Equal(expected, cluster.Machine(1).Values);
            await cluster.WaitForLeaderAsync();
            expected.Add($"round-{round}");
            await member.ReplicateAsync(System.Text.Encoding.UTF8.GetBytes(expected[^1]), CancellationToken.None);
            await cluster.StopAsync(1);

            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    [Fact]
    public async Task The_data_directory_holds_the_log_and_snapshots_under_metadata()
    {
        await using var cluster = new QuorumCluster(1, output, o => o with { SnapshotInterval = 2 });
        var member = await cluster.StartAsync(1);
        await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 3; i++)
        {
            await member.ReplicateAsync("x"u8.ToArray(), CancellationToken.None);
        }

        Assert.NotEmpty(Directory.GetFileSystemEntries(Path.Combine(cluster.DataDirectory(1), "metadata", "log")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(cluster.DataDirectory(1), "metadata", "snapshots")));
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_by_name()
    {
        var voters = QuorumVoter.ParseList("1@127.0.0.1:9402,2@127.0.0.1:9412");
        var machine = new ListStateMachine();

        Assert.Contains("node 3 is not one of the controller voters",
            Assert.Throws<ArgumentException>(() => new RaftMetadataQuorum(new QuorumOptions { NodeId = 3, Voters = voters, DataDirectory = "d" }, machine)).Message);
        Assert.Contains("election timeout",
            Assert.Throws<ArgumentException>(() => new RaftMetadataQuorum(new QuorumOptions
            {
                NodeId = 1, Voters = voters, DataDirectory = "d",
                ElectionTimeoutMin = TimeSpan.FromSeconds(1), ElectionTimeoutMax = TimeSpan.FromSeconds(1),
            }, machine)).Message);
        Assert.Contains("snapshot interval",
            Assert.Throws<ArgumentException>(() => new RaftMetadataQuorum(new QuorumOptions { NodeId = 1, Voters = voters, DataDirectory = "d", SnapshotInterval = 1 }, machine)).Message);
    }

    [Fact]
    public async Task An_empty_entry_is_refused()
    {
        await using var cluster = new QuorumCluster(1, output);
        var member = await cluster.StartAsync(1);
        await cluster.WaitForLeaderAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => member.ReplicateAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_corrupt_snapshot_fails_the_start_naming_the_file()
    {
        await using var cluster = new QuorumCluster(1, output, o => o with { SnapshotInterval = 2 });
        var member = await cluster.StartAsync(1);
        await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 3; i++)
        {
            await member.ReplicateAsync("x"u8.ToArray(), CancellationToken.None);
        }

        await cluster.StopAsync(1);
        var snapshot = Directory.GetFiles(Path.Combine(cluster.DataDirectory(1), "metadata", "snapshots")).Single();
        var bytes = await File.ReadAllBytesAsync(snapshot);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(snapshot, bytes);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => cluster.StartAsync(1));
        Assert.Contains(snapshot, e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public async Task A_taken_port_fails_the_start_naming_the_listener()
    {
        await using var cluster = new QuorumCluster(1, output);
        using var squatter = new TcpListener(IPAddress.Loopback, cluster.Voters[0].Port);
        squatter.Start();

        var e = await Assert.ThrowsAsync<IOException>(() => cluster.StartAsync(1));

        Assert.Contains($"cannot listen on 127.0.0.1:{cluster.Voters[0].Port}", e.Message);
    }
}
