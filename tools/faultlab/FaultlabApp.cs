using LogBroker.Faultlab.Cleanup;
using LogBroker.Faultlab.Cli;
using LogBroker.Faultlab.Cluster;
using LogBroker.Faultlab.Hosts;
using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Reporting;

namespace LogBroker.Faultlab;

/// <summary>
/// The whole tool behind one call: parse, then run a campaign (progress on stderr, the text report on
/// stdout ending with the summary line, JSON and HTML reports in the output folder), clean up leftovers,
/// or watch a run. Exit codes: 0 the campaign passed (or cleanup succeeded); 1 it failed; 2 it could not
/// run (bad arguments, a lab that could not be built); 130 interrupted (everything made is still removed).
/// </summary>
public static class FaultlabApp
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int CouldNotRun = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        stdout = TextWriter.Synchronized(stdout);
        stderr = TextWriter.Synchronized(stderr);
        var root = new FaultlabCommands().Build(
            (settings, token) => RunCampaignAsync(settings, stdout, stderr, token),
            (run, token) => CleanupAsync(run, stderr),
            (run, deadline, token) => Watchdog.RunAsync(RunIdentity.Parse(run), deadline, token),
            stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Not System.CommandLine's exit code 1: that is a failed campaign here.
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"faultlab: {error.Message}");
            }

            stderr.WriteLine("faultlab: see faultlab --help");
            return CouldNotRun;
        }

        var invocation = new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> RunCampaignAsync(CampaignSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (settings.PlanOnly)
        {
            var kinds = settings.Faults ?? FaultKinds.Applicable(settings.Brokers, canPartition: true, canFillDisk: true);
            foreach (var fault in FaultSchedule.Plan(settings.Seed, settings.Brokers, kinds, settings.FaultWindowStart, settings.FaultWindowEnd, settings.AllowOverlap))
            {
                stdout.WriteLine(fault);
            }

            return Passed;
        }

        var lookedFor = settings.BrokerDll ?? string.Empty;
        var brokerDll = settings.BrokerDll ?? BrokerLocator.Find(out lookedFor);
        if (brokerDll is null || !File.Exists(brokerDll))
        {
            stderr.WriteLine($"faultlab: no broker at {lookedFor}; build it first (dotnet build src/Broker -c Release) or name it with --broker-dll");
            return CouldNotRun;
        }

        var run = Claim();
        var output = Path.GetFullPath(settings.OutputDirectory ?? Path.Combine("faultlab-out", run.Id));
        Directory.CreateDirectory(output);
        Watchdog.Start(run, settings.Duration + TimeSpan.FromMinutes(15));
        CampaignReport report;
        try
        {
            report = await new Campaign(settings, brokerDll, output, stderr).RunAsync(run, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"faultlab: interrupted; run {run} removed what it made (seed {settings.Seed})");
            return Interrupted;
        }
        catch (Exception e) when (e is LabException or Client.LogBrokerException)
        {
            stderr.WriteLine($"faultlab: the campaign could not run: {e.Message}");
            stderr.WriteLine($"faultlab: seed {settings.Seed}; broker logs in {output}");
            return CouldNotRun;
        }
        finally
        {
            Release(run);
        }

        TextReportWriter.Write(report, stdout);
        await using (var text = new StreamWriter(Path.Combine(output, "report.txt")))
        {
            TextReportWriter.Write(report, text);
        }

        await JsonReportWriter.WriteAsync(report, Path.Combine(output, "report.json"));
        await HtmlReportWriter.WriteAsync(report, Path.Combine(output, "report.html"));
        return report.Passed ? Passed : Failed;
    }

    private static async Task<int> CleanupAsync(string? run, TextWriter stderr)
    {
        var removed = await LeftoverCleaner.CleanAsync(run is null ? null : RunIdentity.Parse(run), stderr);
        stderr.WriteLine(removed.Count == 0 ? "faultlab: nothing to clean up" : $"faultlab: removed {removed.Count} leftover(s)");
        return Passed;
    }

    /// <summary>A fresh run id nobody on this machine uses (no run directory, no namespace or link of that name).</summary>
    private static RunIdentity Claim()
    {
        for (var attempt = 0; ; attempt++)
        {
            var run = RunIdentity.New();
            try
            {
                if (!Directory.Exists(Path.Combine("/run/netns", run.Namespace(1))) && !Directory.Exists(Path.Combine("/sys/class/net", run.Bridge)))
                {
                    RunOwner.Claim(run);
                    return run;
                }
            }
            catch (IOException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>The run is over and everything it made is gone: drop its directory (and owner file) too.</summary>
    private static void Release(RunIdentity run)
    {
        try
        {
            Directory.Delete(run.RunDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A mount that could not be removed keeps it; faultlab cleanup (or the watchdog) gets it.
        }
    }
}
