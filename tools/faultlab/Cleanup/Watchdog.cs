using System.Diagnostics;
using System.Globalization;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Cleanup;

/// <summary>
/// Makes a run bounded in time and tidy even if its faultlab dies without cleaning up (kill -9, a
/// crash): a small process of its own session (so a terminal's Ctrl-C does not reach it), started by
/// the run, that waits for the run's owner to exit and then removes whatever is left; and if the owner
/// is still running at the deadline, stops it (SIGTERM, then SIGKILL) first.
/// </summary>
public static class Watchdog
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TermGrace = TimeSpan.FromSeconds(30);

    /// <summary>Starts the watchdog of <paramref name="run"/> (this process must own it) as <c>setsid dotnet faultlab.dll watchdog ...</c>.</summary>
    public static void Start(RunIdentity run, TimeSpan deadline)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "dotnet", typeof(Watchdog).Assembly.Location, "watchdog", "--run", run.Id, "--deadline-seconds", deadline.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new LabException("could not start the watchdog");

        // The watchdog writes nothing; closing its pipes now keeps it from holding this process's output open after it exits.
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
    }

    /// <summary>The watchdog's own loop: returns once the run is cleaned up.</summary>
    public static async Task<int> RunAsync(RunIdentity run, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var owner = RunOwner.Of(run);
        var waited = Stopwatch.StartNew();
        while (owner is { IsAlive: true } alive)
        {
            if (waited.Elapsed > deadline)
            {
                await StopAsync(alive);
            }

            await Task.Delay(Poll, cancellationToken);
        }

        await LeftoverCleaner.CleanRunAsync(run, TextWriter.Null);
        return 0;
    }

    private static async Task StopAsync(ProcessIdentity owner)
    {
        var pid = owner.ProcessId.ToString(CultureInfo.InvariantCulture);
        await CommandRunner.RunAsync("kill", ["-TERM", pid]);
        var grace = Stopwatch.StartNew();
        while (owner.IsAlive && grace.Elapsed < TermGrace)
        {
            await Task.Delay(Poll);
        }

        if (owner.IsAlive)
        {
            await CommandRunner.RunAsync("kill", ["-KILL", pid]);
        }
    }
}
