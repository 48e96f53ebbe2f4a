using System.Globalization;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Cleanup;

/// <summary>
/// Finds what faultlab runs left on the machine, by their run-id prefix (network namespaces, links,
/// tmpfs mounts, run directories, and broker processes recorded in the run directory), and removes the
/// leftovers of runs whose faultlab process is gone. A run whose owner still lives is left alone: it may
/// be another agent's campaign in progress. Nothing without the prefix is ever touched.
/// </summary>
public static class LeftoverCleaner
{
    /// <summary>Cleans every crashed run (or only <paramref name="only"/>); returns what was removed, one line each.</summary>
    public static async Task<IReadOnlyList<string>> CleanAsync(RunIdentity? only, TextWriter log)
    {
        var removed = new List<string>();
        foreach (var run in await DiscoverAsync())
        {
            if (only is not null && run != only)
            {
                continue;
            }

            if (RunOwner.Of(run) is { IsAlive: true } owner)
            {
                log.WriteLine($"faultlab: run {run} is still running (faultlab pid {owner.ProcessId}): left alone");
                continue;
            }

            removed.AddRange(await CleanRunAsync(run, log));
        }

        return removed;
    }

    /// <summary>Removes everything of one run: processes, mounts, namespaces, links, the run directory. The caller has made sure its owner is gone.</summary>
    public static async Task<IReadOnlyList<string>> CleanRunAsync(RunIdentity run, TextWriter log)
    {
        var removed = new List<string>();
        var namespaces = Matching(NamespacesIn((await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout), run);
        foreach (var ns in namespaces)
        {
            foreach (var pid in (await CommandRunner.RunAsync("ip", ["netns", "pids", ns])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await Step(removed, log, $"process {pid} in {ns}", "kill", ["-KILL", pid]);
            }
        }

        foreach (var process in RecordedProcesses(run).Where(p => p.IsAlive))
        {
            await Step(removed, log, $"broker process {process.ProcessId}", "kill", ["-KILL", process.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        }

        foreach (var mountPoint in MountsOf(File.ReadAllText("/proc/mounts"), run))
        {
            if (!await Step(removed, log, $"mount {mountPoint}", "umount", [mountPoint]))
            {
                await Step(removed, log, $"mount {mountPoint} (lazily)", "umount", ["-l", mountPoint]);
            }
        }

        foreach (var ns in namespaces)
        {
            await Step(removed, log, $"namespace {ns}", "ip", ["netns", "del", ns]);
        }

        foreach (var link in Matching(LinksIn((await CommandRunner.RunAsync("ip", ["-o", "link", "show"])).Stdout), run))
        {
            await Step(removed, log, $"link {link}", "ip", ["link", "del", link]);
        }

        if (Directory.Exists(run.RunDirectory))
        {
            Directory.Delete(run.RunDirectory, recursive: true);
            removed.Add($"directory {run.RunDirectory}");
            log.WriteLine($"faultlab: removed directory {run.RunDirectory}");
        }

        return removed;
    }

    /// <summary>Namespace names from <c>ip netns list</c> ("flab3a9c-node1 (id: 3)").</summary>
    public static IReadOnlyList<string> NamespacesIn(string ipNetnsList) =>
        [.. ipNetnsList.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.Split(' ')[0])];

    /// <summary>Link names from <c>ip -o link show</c> ("7: flab3a9c-v1h@if6: &lt;...&gt;" gives flab3a9c-v1h).</summary>
    public static IReadOnlyList<string> LinksIn(string ipLinkShow) =>
        [
            .. ipLinkShow.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(": ", 3))
                .Where(fields => fields.Length >= 2)
                .Select(fields => fields[1].Split('@')[0]),
        ];

    /// <summary>Mount points of a run in /proc/mounts: its tmpfs sources (<c>flab3a9c-disk1</c>) or anything mounted in its run directory.</summary>
    public static IReadOnlyList<string> MountsOf(string procMounts, RunIdentity run) =>
        [
            .. procMounts.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Where(fields => fields.Length >= 2)
                .Select(fields => (Source: fields[0], MountPoint: fields[1].Replace("\\040", " ", StringComparison.Ordinal)))
                .Where(m => m.Source.StartsWith(run.Id + "-", StringComparison.Ordinal) || m.MountPoint.StartsWith(run.RunDirectory + "/", StringComparison.Ordinal))
                .Select(m => m.MountPoint)
                .Distinct()
                .OrderByDescending(m => m.Length),
        ];

    /// <summary>Every run with anything left on the machine.</summary>
    private static async Task<IReadOnlyList<RunIdentity>> DiscoverAsync()
    {
        var names = new List<string>();
        names.AddRange(NamespacesIn((await CommandRunner.RunAsync("ip", ["netns", "list"])).Stdout));
        names.AddRange(LinksIn((await CommandRunner.RunAsync("ip", ["-o", "link", "show"])).Stdout));
        names.AddRange(File.ReadAllText("/proc/mounts").Split('\n').Select(line => line.Split(' ')[0]));
        if (Directory.Exists(RunIdentity.RunsRoot))
        {
            names.AddRange(Directory.EnumerateDirectories(RunIdentity.RunsRoot).Select(Path.GetFileName)!);
        }

        return [.. names.Select(n => RunIdentity.TryFromName(n, out var run) ? run : null).OfType<RunIdentity>().Distinct().OrderBy(r => r.Id, StringComparer.Ordinal)];
    }

    private static List<string> Matching(IEnumerable<string> names, RunIdentity run) =>
        [.. names.Where(n => RunIdentity.TryFromName(n, out var owner) && owner == run)];

    private static IEnumerable<ProcessIdentity> RecordedProcesses(RunIdentity run)
    {
        var file = Path.Combine(run.RunDirectory, "processes");
        return File.Exists(file)
            ? File.ReadAllLines(file).Select(line => ProcessIdentity.TryParse(line, out var p) ? p : (ProcessIdentity?)null).OfType<ProcessIdentity>()
            : [];
    }

    private static async Task<bool> Step(List<string> removed, TextWriter log, string what, string file, string[] args)
    {
        var result = await CommandRunner.RunAsync(file, args);
        if (result.Succeeded)
        {
            removed.Add(what);
            log.WriteLine($"faultlab: removed {what}");
        }
        else
        {
            log.WriteLine($"faultlab: could not remove {what}: {result.Failure}");
        }

        return result.Succeeded;
    }
}
