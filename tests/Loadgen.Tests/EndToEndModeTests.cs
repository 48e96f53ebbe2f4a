using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class EndToEndModeTests(BrokerFixture fixture)
{
    [Fact]
    public async Task E2e_at_a_small_rate_consumes_everything_produced_and_reports_latency_percentiles()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("e2e.json");

        var result = await BrokerFixture.RunAsync("e2e", "--bootstrap", fixture.Address, "--topic", "e2e-rate", "--partitions", "2", "--consumers", "2", "--rate", "1000", "--count", "1500", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var root = report.RootElement;
        Assert.Equal(1500, root.GetProperty("produce").GetProperty("acked").GetInt64());
        Assert.Equal(1500, root.GetProperty("consume").GetProperty("records").GetInt64());
        Assert.Equal(0, root.GetProperty("consume").GetProperty("recordsWithoutSendTime").GetInt64());
        var e2e = root.GetProperty("endToEndLatency");
        Assert.Equal(1500, e2e.GetProperty("count").GetInt64());
        var p50 = e2e.GetProperty("p50Ms").GetDouble();
        var p99 = e2e.GetProperty("p99Ms").GetDouble();
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= e2e.GetProperty("maxMs").GetDouble(), $"p50 {p50}, p99 {p99}");
        Assert.Contains("end-to-end", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E2e_with_push_fetching_and_a_warmup_consumes_everything_and_measures_after_the_warmup()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("e2e.json");

        var result = await BrokerFixture.RunAsync("e2e", "--bootstrap", fixture.Address, "--topic", "e2e-push", "--fetch-mode", "push", "--rate", "1000", "--warmup", "2", "--duration", "1", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var root = report.RootElement;
        var produce = root.GetProperty("produce");
        var consume = root.GetProperty("consume");
        var acked = produce.GetProperty("acked").GetInt64();
        var ackedInWarmup = acked - produce.GetProperty("measuredRecords").GetInt64();
        Assert.True(ackedInWarmup > 0, $"records are acknowledged during a 2 s warmup at 1000/s ({acked} acked, all after it)");
        Assert.Equal(acked, consume.GetProperty("records").GetInt64());
        Assert.Equal(0, consume.GetProperty("recordsWithoutSendTime").GetInt64());

        // A record counts in the e2e histogram exactly when its consumption counts as measured: both are read at the same instant.
        Assert.Equal(consume.GetProperty("measuredRecords").GetInt64(), root.GetProperty("endToEndLatency").GetProperty("count").GetInt64());
        Assert.Equal(produce.GetProperty("measuredRecords").GetInt64(), root.GetProperty("ackLatency").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task E2e_with_several_producers_consumes_exactly_the_count_and_echoes_the_settings()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("e2e.json");

        var result = await BrokerFixture.RunAsync("e2e", "--bootstrap", fixture.Address, "--topic", "e2e-producers", "--partitions", "3", "--producers", "3", "--consumers", "2", "--rate", "3000", "--count", "3001", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var root = report.RootElement;
        var settings = root.GetProperty("settings");
        Assert.Equal((3, 2, 3), (settings.GetProperty("producers").GetInt32(), settings.GetProperty("consumers").GetInt32(), settings.GetProperty("partitions").GetInt32()));
        Assert.Equal(3001, root.GetProperty("produce").GetProperty("acked").GetInt64());
        Assert.Equal(3001, root.GetProperty("consume").GetProperty("records").GetInt64());
        Assert.Equal(3001, root.GetProperty("endToEndLatency").GetProperty("count").GetInt64());
        Assert.Equal(0, root.GetProperty("consume").GetProperty("recordsWithoutSendTime").GetInt64());
        Assert.Equal(3001, await fixture.RecordsInAsync("e2e-producers"));
    }
}
