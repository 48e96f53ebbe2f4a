using System.Diagnostics;
using System.Globalization;

namespace LogBroker.Testing;

/// <summary>
/// A built tool (tools/NAME, the same configuration as these tests) run as a child process, so signals
/// reach it the way they do from a terminal and its own signal handling is what is tested. Stdout and
/// stderr are collected line by line; stdin stays open until <see cref="CloseInput"/>. Disposing kills
/// whatever is still running.
/// </summary>
public sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ToolProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public StreamWriter Input => _process.StandardInput;

    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    public static ToolProcess Start(string tool, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuiltDll(tool));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new ToolProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}"));
    }

    /// <summary>Sends a signal by name (INT, TERM, STOP, CONT) to <paramref name="processId"/>, with kill(1).</summary>
    public static async Task SignalAsync(int processId, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {processId} failed with {kill.ExitCode}");
        }
    }

    public Task SignalAsync(string signal) => SignalAsync(Id, signal);

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>The exit code, once the process has exited and its output has been read to the end; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"still running after {timeout.TotalSeconds:F0} s\n{this}");
        }

        return _process.ExitCode;
    }

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
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    /// <summary>tools/NAME's own build output.</summary>
    private static string BuiltDll(string tool) => RepositoryFiles.BuiltDll(Path.Combine("tools", tool), tool);
}
