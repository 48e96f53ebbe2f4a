using System.Diagnostics;
using LogBroker.Faultlab.Cleanup;
using LogBroker.Faultlab.Hosts;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>What <c>faultlab cleanup</c> and the watchdog remove, and what they leave alone, on the real machine.</summary>
public class LeftoverCleanerTests
{
    [SkippableFact]
    public async Task A_crashed_run_leftovers_are_removed_and_a_live_run_is_left_alone()
    {
        Capabilities.RequireNamespaces();
        Capabilities.RequireMounts();
        var crashed = await MakeRunAsync(DeadOwner());
        var live = await MakeRunAsync(ProcessIdentity.Current);
        try
        {
            var removed = await LeftoverCleaner.CleanAsync(null, TextWriter.Null);

            Assert.Contains($"namespace {crashed.Namespace(1)}", removed);
            Assert.Contains($"link {crashed.Bridge}", removed);
            Assert.Contains($"mount {crashed.VolumeMountPoint(1)}", removed);
            Assert.False(Directory.Exists(crashed.RunDirectory));
            Assert.DoesNotContain(removed, r => r.Contains(live.Id, StringComparison.Ordinal));
            Assert.Contains(live.Namespace(1), (await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Assert.NotEmpty(await LeftoverCleaner.CleanRunAsync(live, TextWriter.Null));
        }

        Assert.DoesNotContain(live.Id, (await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(live.Id, await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_broker_process_of_a_crashed_run_is_killed()
    {
        Capabilities.RequireNamespaces();
        Capabilities.RequireMounts();
        var run = await MakeRunAsync(DeadOwner());
        using var process = Process.Start("ip", ["netns", "exec", run.Namespace(1), "sleep", "300"]);
        await Eventually.True(async () => (await CommandRunner.RunAsync("ip", ["netns", "pids", run.Namespace(1)])).Stdout.Trim().Length > 0, "the process to start in the namespace");

        await LeftoverCleaner.CleanAsync(run, TextWriter.Null);

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Equal(137, process.ExitCode);
    }

    [Fact]
    public async Task The_watchdog_cleans_up_once_the_run_owner_is_gone()
    {
        using var owner = Process.Start("sleep", ["2"]);
        var run = await OwnedByAsync(owner);
        Directory.CreateDirectory(run.VolumeMountPoint(1));

        var exit = await Watchdog.RunAsync(run, TimeSpan.FromMinutes(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.True(owner.HasExited);
        Assert.False(Directory.Exists(run.RunDirectory));
    }

    [Fact]
    public async Task The_watchdog_stops_an_owner_that_outlives_its_deadline()
    {
        using var owner = Process.Start("sleep", ["300"]);
        var run = await OwnedByAsync(owner);

        await Watchdog.RunAsync(run, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(owner.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.Equal(143, owner.ExitCode);
        Assert.False(Directory.Exists(run.RunDirectory));
    }

    /// <summary>A run directory whose owner file names <paramref name="owner"/>.</summary>
    private static async Task<RunIdentity> OwnedByAsync(Process owner)
    {
        var run = RunIdentity.New();
        Directory.CreateDirectory(run.RunDirectory);
        await File.WriteAllTextAsync(Path.Combine(run.RunDirectory, "owner"), ProcessIdentity.Of(owner.Id)!.Value.ToString());
        return run;
    }

    /// <summary>A run with a namespace, a bridge, a tmpfs and an owner file naming <paramref name="owner"/>, made the way a campaign makes them.</summary>
    private static async Task<RunIdentity> MakeRunAsync(ProcessIdentity owner)
    {
        var run = RunIdentity.New();
        Directory.CreateDirectory(run.RunDirectory);
        await File.WriteAllTextAsync(Path.Combine(run.RunDirectory, "owner"), owner.ToString());
        await CommandRunner.RunCheckedAsync("ip", ["netns", "add", run.Namespace(1)]);
        await CommandRunner.RunCheckedAsync("ip", ["link", "add", run.Bridge, "type", "bridge"]);
        await DataVolume.MountTmpfsAsync(run.VolumeMountPoint(1), run.VolumeSource(1), 1024 * 1024);
        return run;
    }

    /// <summary>The identity of a process that has already exited.</summary>
    private static ProcessIdentity DeadOwner()
    {
        using var process = Process.Start("true");
        var identity = ProcessIdentity.Of(process.Id) ?? new ProcessIdentity(process.Id, 1);
        process.WaitForExit();
        return identity;
    }
}
