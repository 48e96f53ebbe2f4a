using System.Text.Json;
using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Reporting;
using Xunit;

namespace LogBroker.Faultlab.Tests;

public class ReportTests
{
    [Fact]
    public void The_text_report_ends_with_the_summary_line_and_a_pass_says_nothing_about_replaying()
    {
        var lines = TextLines(Report(lost: 0));

        Assert.Equal("faults: 1 injected, lost 0, dup-not-idempotent 3, verdict PASS", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains("replay with", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("#1 kill -9 node 1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_report_prints_the_seed_and_the_command_that_replays_it()
    {
        var lines = TextLines(Report(lost: 2));

        Assert.EndsWith("verdict FAIL", lines[^1], StringComparison.Ordinal);
        Assert.StartsWith("faults: 1 injected, lost 2,", lines[^1], StringComparison.Ordinal);
        Assert.Equal("seed 4242; replay with: faultlab run --seed 4242 --brokers 1", lines[^2]);
        Assert.Contains(lines, l => l.StartsWith("FAIL lost", StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_report_has_the_verdict_checks_faults_and_timeline()
    {
        using var json = JsonDocument.Parse(JsonReportWriter.Serialize(Report(lost: 2)));
        var root = json.RootElement;

        Assert.Equal(4242, root.GetProperty("seed").GetInt32());
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.EndsWith("verdict FAIL", root.GetProperty("summaryLine").GetString(), StringComparison.Ordinal);
        Assert.Equal("lost", root.GetProperty("checks")[0].GetProperty("name").GetString());
        Assert.Equal("Kill", root.GetProperty("faults")[0].GetProperty("fault").GetProperty("kind").GetString());
        Assert.Equal(4.5, root.GetProperty("faults")[0].GetProperty("impact").GetProperty("unavailableSeconds").GetDouble());
        Assert.Equal(3, root.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public void The_html_report_is_self_contained_and_draws_faults_as_bands_under_throughput_and_latency()
    {
        var html = HtmlReportWriter.Render(Report(lost: 0));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"throughput-chart\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"latency-chart\"", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("class=\"band\"").Length - 1);
        Assert.Contains("<title>#1 kill -9 node 1</title>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"verdict\">PASS", html, StringComparison.Ordinal);
    }

    private static string[] TextLines(CampaignReport report)
    {
        var text = new StringWriter();
        TextReportWriter.Write(report, text);
        return text.ToString().TrimEnd().Split('\n');
    }

    private static CampaignReport Report(long lost) => new()
    {
        RunId = "flab0001",
        Seed = 4242,
        StartedAt = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero),
        ElapsedSeconds = 3,
        CommandLine = "faultlab run --seed 4242",
        ReplayCommand = "faultlab run --seed 4242 --brokers 1",
        Network = "network namespaces on 10.213.1.0/24 (bridge 10.213.1.254); see http://nowhere",
        Brokers = 1,
        ReplicationFactor = 1,
        Topic = "faultlab",
        Partitions = 1,
        RecordsPerSecond = 100,
        RecordSize = 100,
        Consumers = 1,
        FaultKinds = ["kill"],
        WorkloadStartSeconds = 0.5,
        Notes = ["one broker"],
        Schedule = ["#1 at +1.0 s for 1.0 s: kill -9 node 1"],
        Faults = [new FaultRow(new InjectedFault(1, FaultKind.Kill, "kill -9 node 1", [1], 1, 1.1, 2.2, ["pid 7"], null), new FaultImpact(1, 1.0, 5.5, 4.5, 0))],
        Checks =
        [
            new CheckOutcome("lost", lost, true, "acknowledged records not at their offset", lost > 0 ? ["p0s1 acknowledged at partition 0 offset 1: the log ends at 1"] : []),
            new CheckOutcome("dup-not-idempotent", 3, false, "measured", []),
        ],
        Producers = [new ProducerTotals("all-keyed", "all", true, "none", false, 10, 8, 2, new Dictionary<string, long> { ["NetworkException"] = 2 })],
        Consumed = 8,
        ConsumerRestarts = 0,
        Errors = [new Workload.ErrorCount("Retrying … after … (attempt …)", "NetworkException", 5)],
        EndOffsets = [8],
        CommittedOffsets = new Dictionary<int, long> { [0] = 8 },
        Replicas = [new ReplicaComparison.Result(0, 1, 3, null)],
        Crashes = [],
        StopExitCodes = new Dictionary<int, int?> { [1] = 0 },
        Timeline = [new TimelinePoint(0, 0, 0, 0, 0, null, null, null), new TimelinePoint(1, 5, 0, 2, 4, 1.5, 3.0, 4.0), new TimelinePoint(2, 3, 0, 0, 4, 1.0, 2.0, 2.5)],
        OutputDirectory = "/tmp/out",
    };
}
