using System.Diagnostics;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// Runs the system tools the lab is built with (<c>ip</c>, <c>nft</c>, <c>mount</c>, <c>kill</c>) and
/// waits for them with a deadline, so a hung tool cannot hang a campaign. Arguments go through the
/// argument list, never a shell. Thread-safe.
/// </summary>
public static class CommandRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/> and returns how it ended; a tool that cannot be started ends with exit code 127, as a shell reports it.</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var line = Describe(file, start.ArgumentList);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new CommandResult(line, 127, string.Empty, e.Message);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
                process.StandardInput.Close();
            }

            var limit = timeout ?? DefaultTimeout;
            try
            {
                await process.WaitForExitAsync().WaitAsync(limit);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw new LabException($"'{line}' did not finish within {limit.TotalSeconds:F0} s");
            }

            return new CommandResult(line, process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>As <see cref="RunAsync"/>, and throws a <see cref="LabException"/> with the tool's own message unless it exits with 0.</summary>
    public static async Task<CommandResult> RunCheckedAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var result = await RunAsync(file, args, stdin, timeout);
        return result.Succeeded ? result : throw new LabException(result.Failure);
    }

    private static string Describe(string file, IEnumerable<string> args) =>
        string.Join(' ', args.Prepend(file).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
}
