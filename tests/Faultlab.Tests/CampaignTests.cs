using System.Text.Json;
using System.Text.RegularExpressions;
using LogBroker.Faultlab.Hosts;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>Whole campaigns against real broker processes, one after the other (they share the machine's two cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CampaignCollection
{
    public const string Name = "campaigns";
}

[Collection(CampaignCollection.Name)]
public partial class CampaignTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(6);

    /// <summary>
    /// The short campaign CI runs: one broker today, about 90 s of kill -9, SIGSTOP and (as root) a full
    /// disk with a fixed seed (a full disk needs a tmpfs of its own, so root), checked against the
    /// single-node contract. With namespaces where they can be made, on loopback otherwise; it must pass
    /// either way, and leave nothing behind.
    /// </summary>
    [Fact]
    public async Task The_short_campaign_passes_and_leaves_nothing_behind()
    {
        using var output = new TempDirectory("faultlab");
        var faults = Capabilities.CanMount ? "kill,pause,disk-full" : "kill,pause";
        using var faultlab = Start("run", "--seed", "20261205", "--brokers", "1", "--duration", "90", "--faults", faults, "--out", output.Path);

        var exit = await faultlab.WaitForExitAsync(RunLimit);

        Assert.True(exit == 0, $"exit {exit}\n{faultlab}");
        var summary = SummaryLine().Match(faultlab.Stdout[^1]);
        Assert.True(summary.Success, faultlab.ToString());
        Assert.True(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5, faultlab.Stdout[^1]);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Path, "report.json")));
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(faults.Split(','), report.RootElement.GetProperty("faultKinds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(File.Exists(Path.Combine(output.Path, "report.html")));
        Assert.Equal(faultlab.Stdout[^1], (await File.ReadAllLinesAsync(Path.Combine(output.Path, "report.txt")))[^1]);
        Assert.True(new FileInfo(Path.Combine(output.Path, "node1.log")).Length > 0);
        await AssertNothingLeftAsync(report.RootElement.GetProperty("runId").GetString()!);
    }

    [Fact]
    public async Task Sigterm_in_the_middle_of_a_campaign_removes_everything_and_exits_130()
    {
        using var output = new TempDirectory("faultlab");
        using var faultlab = Start("run", "--seed", "7", "--duration", "120", "--faults", "pause", "--out", output.Path);
        await Eventually.True(() => faultlab.Stderr.Any(l => l.Contains("workload started", StringComparison.Ordinal)), "the workload to start", TimeSpan.FromMinutes(2));

        await faultlab.SignalAsync("TERM");
        var exit = await faultlab.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 130, $"exit {exit}\n{faultlab}");
        await AssertNothingLeftAsync(RunIdOf(faultlab) ?? throw new InvalidOperationException(faultlab.ToString()));
    }

    [Fact]
    public async Task On_loopback_the_process_faults_and_a_clean_restart_still_run_and_are_checked()
    {
        using var output = new TempDirectory("faultlab");
        using var faultlab = Start("run", "--seed", "4", "--network", "loopback", "--duration", "30", "--warmup", "3", "--quiet", "7", "--faults", "kill,pause,restart", "--rate", "300", "--out", output.Path);

        var exit = await faultlab.WaitForExitAsync(RunLimit);

        Assert.True(exit == 0, $"exit {exit}\n{faultlab}");
        Assert.Matches(SummaryLine(), faultlab.Stdout[^1]);
        Assert.Contains(faultlab.Stdout, l => l.Contains("loopback: 1 broker(s) on 127.0.0.1", StringComparison.Ordinal));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.Path, "report.json")));
        var restart = report.RootElement.GetProperty("faults").EnumerateArray().Select(f => f.GetProperty("fault")).Single(f => f.GetProperty("kind").GetString() == "Restart");
        Assert.Contains(restart.GetProperty("notes").EnumerateArray(), n => n.GetString() == "node 1 stopped with exit code 0");
        Assert.DoesNotContain(restart.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("not back in every in-sync set", StringComparison.Ordinal));
        await AssertNothingLeftAsync(RunIdOf(faultlab)!);
    }

    /// <summary>The built faultlab as a child process, <c>run ARGS</c> with the broker of this build (src/Broker, same configuration as the tests).</summary>
    private static ToolProcess Start(params string[] args) =>
        ToolProcess.Start("faultlab", [.. args, "--broker-dll", RepositoryFiles.BuiltDll(Path.Combine("src", "Broker"), "LogBroker.Broker")]);

    /// <summary>The run id faultlab announced on stderr ("faultlab: run flab3a9c: ...").</summary>
    private static string? RunIdOf(ToolProcess faultlab) =>
        faultlab.Stderr.Where(l => l.StartsWith("faultlab: run flab", StringComparison.Ordinal)).Select(l => l["faultlab: run ".Length..].Split(':')[0]).FirstOrDefault();

    /// <summary>No namespace, link, mount, run directory or broker process of the run is left on the machine.</summary>
    private static async Task AssertNothingLeftAsync(string runId)
    {
        var run = RunIdentity.Parse(runId);
        Assert.DoesNotContain(runId, (await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(runId, (await CommandRunner.RunAsync("ip", ["-o", "link", "show"])).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(runId, await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(run.RunDirectory), run.RunDirectory);
        Assert.DoesNotContain(run.RunDirectory, (await CommandRunner.RunAsync("ps", ["-eo", "args"])).Stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^faults: (\d+) injected, lost 0, .*, verdict PASS$")]
    private static partial Regex SummaryLine();
}
