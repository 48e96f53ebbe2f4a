using System.Text.Json;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

[Collection(BrokerCollection.Name)]
public class ReportTests(BrokerFixture fixture)
{
    [Fact]
    public async Task Json_report_has_the_command_line_machine_summary_latencies_and_per_second_series()
    {
        using var dir = new TempDirectory("loadgen");
        var json = dir.Combine("report.json");

        var result = await BrokerFixture.RunAsync("produce", "--bootstrap", fixture.Address, "--topic", "report-json", "--count", "3000", "--rate", "2500", "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonReport.Load(json);
        var root = report.RootElement;
        Assert.Equal("produce", root.GetProperty("mode").GetString());
        Assert.StartsWith("loadgen produce --bootstrap", root.GetProperty("commandLine").GetString(), StringComparison.Ordinal);
        var machine = root.GetProperty("machine");
        Assert.Equal(Environment.ProcessorCount, machine.GetProperty("processorCount").GetInt32());
        Assert.False(string.IsNullOrEmpty(machine.GetProperty("osDescription").GetString()));
        Assert.Contains(".NET", machine.GetProperty("frameworkDescription").GetString(), StringComparison.Ordinal);
        Assert.Equal("report-json", root.GetProperty("settings").GetProperty("topic").GetString());
        var produce = root.GetProperty("produce");
        Assert.Equal(3000, produce.GetProperty("acked").GetInt64());
        Assert.True(produce.GetProperty("recordsPerSecond").GetDouble() > 0);
        Assert.True(produce.GetProperty("producerThreadBytesAllocatedPerRecord").GetDouble() >= 0);
        var ack = root.GetProperty("ackLatency");
        foreach (var field in new[] { "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs" })
        {
            Assert.True(ack.GetProperty(field).GetDouble() > 0, field);
        }

        Assert.True(ack.GetProperty("distribution").GetArrayLength() > 5);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("endToEndLatency").ValueKind);
        Assert.Empty(root.GetProperty("errors").EnumerateObject());
        var series = root.GetProperty("series");
        Assert.True(series.GetArrayLength() >= 1);
        Assert.Equal(3000, series.EnumerateArray().Sum(s => s.GetProperty("producedRecords").GetInt64()));
        Assert.All(series.EnumerateArray(), s => Assert.True(s.GetProperty("producedRecordsPerSecond").GetDouble() >= 0));
    }

    [Fact]
    public async Task Html_report_is_self_contained_and_has_the_charts_and_the_summary()
    {
        using var dir = new TempDirectory("loadgen");
        var html = dir.Combine("report.html");

        var result = await BrokerFixture.RunAsync("e2e", "--bootstrap", fixture.Address, "--topic", "report-html", "--count", "2000", "--rate", "2000", "--html", html);

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = await File.ReadAllTextAsync(html);
        Assert.StartsWith("<!DOCTYPE html>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script src", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"throughput-chart\"", text, StringComparison.Ordinal);
        Assert.Contains("id=\"latency-percentile-chart\"", text, StringComparison.Ordinal);
        Assert.Contains("id=\"latency-time-chart\"", text, StringComparison.Ordinal);
        Assert.Contains("p99 latency over time", text, StringComparison.Ordinal);
        Assert.Contains("<polyline", text, StringComparison.Ordinal);
        Assert.Contains("99.9%", text, StringComparison.Ordinal);
        Assert.Contains("id=\"summary\"", text, StringComparison.Ordinal);
        Assert.Contains("end to end", text, StringComparison.Ordinal);
    }
}
