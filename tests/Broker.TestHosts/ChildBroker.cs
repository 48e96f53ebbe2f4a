using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LogBroker.Testing;

namespace LogBroker.TestHosts;

/// <summary>
/// A broker in its own process (the Release or Debug build of src/Broker, whichever the tests were
/// built as), for what needs a real process: kill -9, and its memory as the OS sees it.
/// </summary>
public sealed class ChildBroker : IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process? _process;

    private ChildBroker(TempDirectory data, string[] extraArgs, IReadOnlyDictionary<string, string>? environment)
    {
        Data = data;
        _extraArgs = extraArgs;
        _environment = environment ?? new Dictionary<string, string>();
    }

    public TempDirectory Data { get; }

    public int GrpcPort { get; private set; }

    public int HttpPort { get; private set; }

    /// <summary>The metadata quorum's port, kept across restarts (the quorum's own endpoint must not change).</summary>
    public int ControllerPort { get; private set; }

    public string Address => $"http://127.0.0.1:{GrpcPort}";

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not running");

    public static Task<ChildBroker> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <summary>With environment variables set for the broker process (e.g. <c>LOGBROKER__...</c> settings).</summary>
    public static async Task<ChildBroker> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] extraArgs)
    {
        var broker = new ChildBroker(new TempDirectory("child-broker"), extraArgs, environment);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>What the broker processes printed (stdout and stderr), the last few thousand lines.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>The exit code of the last process that ended through <see cref="StopAsync"/>.</summary>
    public int? LastExitCode { get; private set; }

    public async Task StartAgainAsync()
    {
        GrpcPort = FreePorts.Next();
        HttpPort = FreePorts.Next();
        ControllerPort = ControllerPort == 0 ? FreePorts.Next() : ControllerPort;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[BrokerDll(), "--data-dir", Data.Path, "--grpc-port", Port(GrpcPort), "--http-port", Port(HttpPort), "--controller-port", Port(ControllerPort), "--Logging:LogLevel:Default", "Warning", .. _extraArgs])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the broker process");
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        await Eventually.True(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the broker process exited with {_process.ExitCode}");
                }

                try
                {
                    return (await http.GetAsync($"http://127.0.0.1:{HttpPort}/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the child broker to become ready",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no flush, no checkpoint, no clean-shutdown marker.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM and wait: the graceful stop.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        LastExitCode = _process.ExitCode;
        _process.Dispose();
        _process = null;
    }

    /// <summary>Anonymous resident memory (heap and stacks, not mapped files) of the broker process, in bytes.</summary>
    public long ResidentAnonymousBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("RssAnon not found");
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
        Data.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 5000 && _output.TryDequeue(out _))
        {
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>src/Broker's own build output.</summary>
    private static string BrokerDll() => RepositoryFiles.BuiltDll(Path.Combine("src", "Broker"), "LogBroker.Broker");
}
