using System.Diagnostics;
using System.Globalization;
using LogBroker.Testing;

namespace LogBroker.Faultlab.Tests;

/// <summary>
/// The built faultlab run as a child process, as CI and people run it, so its own signal handling and
/// teardown are what is tested. Output is collected line by line; disposing kills it (and its children)
/// if it still runs.
/// </summary>
public sealed class FaultlabProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private FaultlabProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>Starts <c>faultlab ARGS</c>, with the broker of this build (src/Broker, same configuration as the tests).</summary>
    public static FaultlabProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryFiles.BuiltDll(Path.Combine("tools", "faultlab"), "faultlab"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (args.Length > 0 && args[0] == "run")
        {
            start.ArgumentList.Add("--broker-dll");
            start.ArgumentList.Add(RepositoryFiles.BuiltDll(Path.Combine("src", "Broker"), "LogBroker.Broker"));
        }

        return new FaultlabProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start faultlab"));
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The exit code once the process has exited and its output is read; <see cref="TimeoutException"/> (with the output so far) after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"faultlab still running after {timeout.TotalSeconds:F0} s\n{this}");
        }

        return _process.ExitCode;
    }

    /// <summary>The run id faultlab announced on stderr ("faultlab: run flab3a9c: ...").</summary>
    public string? RunId() => Stderr.Select(l => l.StartsWith("faultlab: run flab", StringComparison.Ordinal) ? l["faultlab: run ".Length..].Split(':')[0] : null).FirstOrDefault(id => id is not null);

    public override string ToString() => $"--- stdout\n{string.Join('\n', Stdout)}\n--- stderr\n{string.Join('\n', Stderr)}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // it exited in between
        }

        _process.Dispose();
    }

    private static void Append(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
