using System.Net;
using System.Net.Sockets;
using Xunit;

namespace LogBroker.Lbctl.Tests;

public class ErrorTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    [Theory]
    [InlineData("topic", "list")]
    [InlineData("topic", "create", "anything")]
    [InlineData("cluster")]
    [InlineData("offsets", "orders")]
    [InlineData("consume", "orders")]
    [InlineData("produce", "orders")]
    [InlineData("topic", "describe", "orders")]
    [InlineData("topic", "alter", "orders", "--set", "retention.ms=1000")]
    [InlineData("topic", "delete", "orders")]
    [InlineData("topic", "add-partitions", "orders", "--total", "3")]
    public async Task An_unreachable_broker_fails_with_a_message_naming_its_address(params string[] command)
    {
        var address = $"http://127.0.0.1:{ClosedPort()}";

        var run = await Lbctl.RunAsync([.. command, "--bootstrap", address], "line\n");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"broker at {address} is unreachable", run.Stderr);
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("topic", "describe", "missing")]
    [InlineData("topic", "alter", "missing", "--set", "retention.ms=1000")]
    [InlineData("topic", "add-partitions", "missing", "--total", "3")]
    [InlineData("offsets", "missing")]
    [InlineData("consume", "missing")]
    [InlineData("produce", "missing")]
    public async Task An_unknown_topic_fails_with_exit_code_1_and_says_so(params string[] command)
    {
        var run = await fixture.RunWithInputAsync("line\n", command);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("missing", run.Stderr);
        Assert.Contains("UnknownTopicOrPartition", run.Stderr);
    }

    [Theory]
    [InlineData("topic", "create")]
    [InlineData("topic", "create", "x", "--partitions", "0")]
    [InlineData("topic", "create", "x", "--partitions", "three")]
    [InlineData("topic", "create", "x", "--config", "no-equals-sign")]
    [InlineData("topic", "alter", "x")]
    [InlineData("topic", "add-partitions", "x")]
    [InlineData("topic", "frobnicate")]
    [InlineData("produce", "x", "--acks", "most")]
    [InlineData("produce", "x", "--compression", "gzip")]
    [InlineData("consume", "x", "--from", "yesterday")]
    [InlineData("consume", "x", "--count", "0")]
    [InlineData("offsets", "x", "--time", "noon")]
    [InlineData("cluster", "--bootstrap", "not a url")]
    [InlineData("cluster", "--output", "xml")]
    [InlineData("dump-log")]
    [InlineData("--no-such-option")]
    [InlineData]
    public async Task Bad_arguments_exit_with_code_2_and_point_to_help(params string[] command)
    {
        var run = await Lbctl.RunAsync(command);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains("--help' for usage", run.Stderr);
    }

    [Fact]
    public async Task Producing_to_a_partition_the_topic_does_not_have_fails_before_reading_input()
    {
        await fixture.RunAsync("topic", "create", "narrow", "--partitions", "2");

        var run = await fixture.RunWithInputAsync("x\n", "produce", "narrow", "--partition", "7");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("topic 'narrow' has 2 partition(s); partition 7 does not exist", run.Stderr);
    }

    [Fact]
    public async Task Help_is_printed_for_every_command_and_exits_0()
    {
        string[][] commands = [[], ["topic"], ["topic", "create"], ["topic", "list"], ["topic", "describe"], ["topic", "alter"], ["topic", "add-partitions"], ["topic", "delete"], ["produce"], ["consume"], ["offsets"], ["cluster"], ["dump-log"]];
        foreach (var command in commands)
        {
            var run = await Lbctl.RunAsync([.. command, "--help"]);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Usage:", run.Stdout);
            Assert.Contains("--bootstrap", run.Stdout);
            Assert.Contains("[default: http://127.0.0.1:9400]", run.Stdout);
        }

        Assert.Contains("Exit code 3 when damage is found", (await Lbctl.RunAsync("dump-log", "--help")).Stdout);
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
