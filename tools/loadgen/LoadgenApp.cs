using System.CommandLine;
using LogBroker.Client;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Reporting;
using LogBroker.Loadgen.Running;

namespace LogBroker.Loadgen;

/// <summary>
/// The whole tool behind one call, so tests run it in process: parse, run, print the summary to
/// <c>stdout</c> (live lines and notes go to <c>stderr</c>), write the reports. Exit codes: 0 success;
/// 1 for bad arguments, a run that could not start (broker unreachable), or any error during the run
/// (the summary is still printed); 130 when cancelled early without errors.
/// </summary>
public static class LoadgenApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        stdout = TextWriter.Synchronized(stdout);
        stderr = TextWriter.Synchronized(stderr);
        var commandLine = "loadgen " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var root = new LoadgenCommands().Build((settings, token) => RunAsync(settings, stdout, stderr, token), commandLine, stderr);

        // Signals are the host's business (Program wires Ctrl-C and SIGTERM to the token), so the run can
        // take as long as it needs to flush and print the summary after one.
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return await root.Parse(args).InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> RunAsync(LoadgenSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        RunSummary summary;
        try
        {
            summary = await LoadRun.ExecuteAsync(settings, stderr, cancellationToken);
        }
        catch (LogBrokerException e)
        {
            stderr.WriteLine($"loadgen: cannot start: {e.Message} (bootstrap {settings.Bootstrap}, topic '{settings.Topic}')");
            return Failure;
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            stderr.WriteLine($"loadgen: {e.Message}");
            return Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("loadgen: cancelled before the run started");
            return Interrupted;
        }

        TextSummaryWriter.Write(summary, stdout);
        if (!await TryWriteReportAsync(settings.JsonPath, path => JsonReportWriter.WriteAsync(summary, path), stderr)
            | !await TryWriteReportAsync(settings.HtmlPath, path => HtmlReportWriter.WriteAsync(summary, path), stderr))
        {
            return Failure;
        }

        return summary.Failed ? Failure : summary.Interrupted ? Interrupted : Success;
    }

    private static async Task<bool> TryWriteReportAsync(string? path, Func<string, Task> write, TextWriter stderr)
    {
        if (path is null)
        {
            return true;
        }

        try
        {
            await write(path);
            stderr.WriteLine($"loadgen: wrote {path}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"loadgen: cannot write {path}: {e.Message}");
            return false;
        }
    }
}
