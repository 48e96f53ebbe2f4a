using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class LiveLineTests(BrokerFixture fixture)
{
    [Fact]
    public async Task A_produce_run_prints_a_live_line_each_second_with_rates_p99_so_far_and_in_flight()
    {
        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "live-produce", "--rate", "1000", "--duration", "2.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Stderr).Where(l => LiveLine.Produce().IsMatch(l)).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => LiveLine.Produce().Match(l).Groups["ack"].Value.EndsWith(" ms", StringComparison.Ordinal));
        Assert.DoesNotContain("consume", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_e2e_run_prints_both_sides_and_both_latencies_in_its_live_line()
    {
        var result = await BrokerFixture.RunAsync("e2e", "--bootstrap", fixture.Address, "--topic", "live-e2e", "--rate", "1000", "--duration", "2.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Stderr).Where(l => LiveLine.EndToEnd().IsMatch(l)).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => LiveLine.EndToEnd().Match(l).Groups["e2e"].Value.EndsWith(" ms", StringComparison.Ordinal));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
