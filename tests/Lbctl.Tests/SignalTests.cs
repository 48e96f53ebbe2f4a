using LogBroker.Protocol;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Lbctl.Tests;

/// <summary>lbctl as a process receiving real signals: what Ctrl-C and SIGTERM do, not just a cancelled token.</summary>
public class SignalTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ctrl_c_ends_a_following_consume_with_exit_code_0_and_a_loadgen_run_with_130_and_its_summary()
    {
        using var loadgen = ToolProcess.Start("loadgen", "produce", "--bootstrap", fixture.Broker.Address, "--topic", "signalled", "--rate", "500", "--duration", "300");
        await Eventually.True(() => loadgen.Stderr.Any(l => l.Contains("| produce", StringComparison.Ordinal)), "loadgen's first live line");
        using var lbctl = ToolProcess.Start("lbctl", "consume", "signalled", "--from", "beginning", "--follow", "--bootstrap", fixture.Broker.Address);
        await Eventually.True(() => lbctl.Stdout.Count > 0, "the following consume to print loadgen's records");

        await lbctl.SignalAsync("INT");
        await loadgen.SignalAsync("INT");
        var lbctlExit = await lbctl.WaitForExitAsync(ExitTimeout);
        var loadgenExit = await loadgen.WaitForExitAsync(ExitTimeout);

        Assert.True(lbctlExit == ExitCodes.Ok, $"lbctl exit {lbctlExit}\n{lbctl}");
        Assert.Contains(lbctl.Stderr, l => l.StartsWith("Consumed ", StringComparison.Ordinal));
        Assert.True(loadgenExit == 130, $"loadgen exit {loadgenExit}\n{loadgen}");
        Assert.Contains(loadgen.Stdout, l => l.Contains("loadgen produce: topic 'signalled'", StringComparison.Ordinal) && l.EndsWith(", interrupted", StringComparison.Ordinal));
        Assert.Contains(loadgen.Stdout, l => l.StartsWith("produce ", StringComparison.Ordinal) && l.Contains(" acked ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_stops_a_produce_waiting_for_input_with_exit_code_130_after_delivering_what_was_read()
    {
        await fixture.RunAsync("topic", "create", "typed");
        using var lbctl = ToolProcess.Start("lbctl", "produce", "typed", "--bootstrap", fixture.Broker.Address);
        await lbctl.Input.WriteLineAsync("typed by hand");
        await lbctl.Input.FlushAsync();
        await Eventually.True(async () => await LatestAsync(fixture.Broker.Address, "typed") == 1, "the typed line to reach the broker");

        await lbctl.SignalAsync("INT");
        var exitCode = await lbctl.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == ExitCodes.Interrupted, $"exit {exitCode}\n{lbctl}");
        Assert.Contains("Produced 1 record(s) to 'typed'.", lbctl.Stdout);
    }

    [Fact]
    public async Task A_second_sigterm_ends_lbctl_at_once_when_its_clean_stop_hangs()
    {
        // acks=all can never be met with one replica and min.insync.replicas=2: the broker refuses with a
        // retriable error, so the flush of a clean stop waits out the producer's two-minute delivery timeout.
        await fixture.RunAsync("topic", "create", "unreplicated", "--config", "min.insync.replicas=2");
        using var lbctl = ToolProcess.Start("lbctl", "produce", "unreplicated", "--acks", "all", "--bootstrap", fixture.Broker.Address);
        await lbctl.Input.WriteLineAsync("never acknowledged");
        lbctl.CloseInput();
        await Eventually.True(async () => await RefusedProducesAsync() > 0, "the broker to refuse lbctl's produce for want of replicas");
        await lbctl.SignalAsync("TERM");
        await Eventually.True(() => lbctl.Stderr.Any(l => l.Contains("stopping", StringComparison.Ordinal)), "lbctl to begin its clean stop");

        await lbctl.SignalAsync("TERM");
        var exitCode = await lbctl.WaitForExitAsync(ExitTimeout);

        Assert.Equal(128 + 15, exitCode); // ended by the signal itself, long before the delivery timeout
    }

    /// <summary>Produce requests the broker refused with NOT_ENOUGH_REPLICAS, from its Prometheus metrics.</summary>
    private async Task<double> RefusedProducesAsync()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{fixture.Broker.HttpAddress}/metrics");
        return metrics.Split('\n')
            .Where(l => l.StartsWith("logbroker_partition_errors_total{", StringComparison.Ordinal) && l.Contains("NotEnoughReplicas", StringComparison.OrdinalIgnoreCase))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> LatestAsync(string address, string topic)
    {
        await using var admin = new LogBroker.Client.AdminClient(new LogBroker.Client.AdminClientOptions { BootstrapServers = address });
        var partition = new TopicPartition(topic, 0);
        return (await admin.ListOffsetsAsync([partition], OffsetSpecs.Latest))[partition].Offset;
    }
}
