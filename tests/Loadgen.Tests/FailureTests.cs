using System.Net;
using System.Net.Sockets;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class FailureTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Unreachable_bootstrap_exits_non_zero_and_names_the_broker()
    {
        var address = $"http://127.0.0.1:{ClosedPort()}";

        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", address, "--count", "10");

        Assert.Equal(LoadgenApp.Failure, result.ExitCode);
        Assert.Contains("cannot start", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("unreachable", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(address, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("produce", "--keys", "uniform:0")]
    [InlineData("produce", "--keys", "zipf:3")]
    [InlineData("produce", "--acks", "some")]
    [InlineData("e2e", "--record-size", "4")]
    [InlineData("produce", "--count", "0")]
    [InlineData("consume", "--from", "middle")]
    [InlineData("consume", "--rate", "10")]
    public async Task Bad_arguments_exit_non_zero_without_running(string mode, string option, string value)
    {
        var result = await BrokerFixture.RunAsync(mode, "--bootstrap", fixture.Address, "--topic", "bad-arguments", option, value);

        Assert.Equal(LoadgenApp.Failure, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
        Assert.DoesNotContain("acked", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_stops_a_long_run_early_and_still_prints_the_summary()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("cancelled.json");
        var stdout = new CapturedText();
        var stderr = new CapturedText();
        using var cancel = new CancellationTokenSource();
        var run = LoadgenApp.RunAsync(["produce", "--bootstrap", fixture.Address, "--topic", "cancelled", "--duration", "60", "--rate", "5000", "--json", json], stdout, stderr, cancel.Token);

        // Cancel once the run is under way (its first live line), however long setting it up took.
        await Eventually.True(() => stderr.Lines.Any(LiveLine.IsLive), "the run's first live line");
        await cancel.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == LoadgenApp.Interrupted, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains("interrupted", stdout.Text, StringComparison.Ordinal);
        Assert.Contains("acked", stdout.Text, StringComparison.Ordinal);
        using var report = JsonReport.Load(json);
        Assert.True(report.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.True(report.RootElement.GetProperty("elapsedSeconds").GetDouble() < 60, "stopped before its 60 s duration");
        Assert.True(await fixture.RecordsInAsync("cancelled") > 0);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
