using System.Diagnostics;
using System.Globalization;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Cluster;

/// <summary>
/// One broker process of the lab, started on its node's host (<c>setsid ip netns exec NS dotnet
/// LogBroker.Broker.dll ...</c>; both tools exec, so the process id is the broker's own and signals
/// reach it directly; setsid keeps a terminal's Ctrl-C away from it, faultlab stops it). Its output goes
/// to a <see cref="CappedLog"/>. Every start is recorded in the run directory so a crashed faultlab's
/// brokers can be found and killed by <c>faultlab cleanup</c>. An exit faultlab did not cause is recorded
/// as a crash. Methods are called by one nemesis action at a time (the nemesis orders the faults).
/// </summary>
public sealed class BrokerProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly IReadOnlyList<string> _launch;
    private readonly string _logPath;
    private readonly string _processesFile;
    private readonly CampaignClock _clock;
    private readonly TargetGuard _guard;
    private readonly Lock _lock = new();
    private readonly List<BrokerCrash> _crashes = [];
    private readonly CappedLog _log;
    private Process? _process;
    private volatile bool _exitExpected;

    public BrokerProcess(NodeEndpoint endpoint, IReadOnlyList<string> launch, string logPath, RunIdentity run, CampaignClock clock, TargetGuard guard)
    {
        Endpoint = endpoint;
        _launch = launch;
        _logPath = logPath;
        _log = new CappedLog(logPath);
        _processesFile = Path.Combine(run.RunDirectory, "processes");
        _clock = clock;
        _guard = guard;
    }

    public NodeEndpoint Endpoint { get; }

    public int NodeId => Endpoint.NodeId;

    public bool IsRunning => _process is { HasExited: false };

    public bool IsPaused { get; private set; }

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Exits nobody asked for, in order.</summary>
    public IReadOnlyList<BrokerCrash> Crashes
    {
        get
        {
            lock (_lock)
            {
                return [.. _crashes];
            }
        }
    }

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers; throws <see cref="LabException"/> if it exits or the deadline passes first.</summary>
    public async Task StartAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"node {NodeId} is already running");
        }

        _guard.CheckUrl(Endpoint.ReadyUrl);
        var start = new ProcessStartInfo(_launch[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in _launch.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        _log.Note(string.Create(CultureInfo.InvariantCulture, $"=== faultlab: starting node {NodeId} at +{_clock.NowSeconds:F3} s: {string.Join(' ', _launch)}"));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => _log.Broker(line.Data);
        process.ErrorDataReceived += (_, line) => _log.Broker(line.Data);
        process.Exited += (_, _) => OnExited(process);
        _exitExpected = false;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        IsPaused = false;
        if (ProcessIdentity.Of(process.Id) is { } identity)
        {
            await File.AppendAllTextAsync(_processesFile, identity + "\n", CancellationToken.None);
        }

        var deadline = Stopwatch.StartNew();
        while (!await IsReadyAsync(cancellationToken))
        {
            if (process.HasExited)
            {
                throw new LabException($"node {NodeId} exited with {process.ExitCode} before it became ready; its output is in {_logPath}");
            }

            if (deadline.Elapsed > readyTimeout)
            {
                throw new LabException($"node {NodeId} was not ready within {readyTimeout.TotalSeconds:F0} s; its output is in {_logPath}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(Endpoint.ReadyUrl, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, and wait until the process is gone: no flush, no checkpoint, no clean-shutdown marker.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        _exitExpected = true;
        process.Kill();
        await process.WaitForExitAsync();
        IsPaused = false;
    }

    /// <summary>SIGKILL without waiting, for an abort: callable from a cancellation callback.</summary>
    public void KillNow()
    {
        if (_process is { HasExited: false } process)
        {
            _exitExpected = true;
            process.Kill();
        }
    }

    /// <summary>SIGSTOP: the process stays, holds its ports and files, and answers nothing.</summary>
    public Task PauseAsync()
    {
        IsPaused = true;
        return SignalAsync("STOP");
    }

    /// <summary>SIGCONT: the frozen process carries on from where it was.</summary>
    public async Task ResumeAsync()
    {
        await SignalAsync("CONT");
        IsPaused = false;
    }

    /// <summary>
    /// The graceful stop (SIGTERM, after a SIGCONT if frozen): drain, flush, checkpoints, clean-shutdown
    /// marker. Returns the exit code, or null when it did not end within <paramref name="timeout"/> and was killed.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (_process is not { } process || process.HasExited)
        {
            return _process?.ExitCode;
        }

        _exitExpected = true;
        if (IsPaused)
        {
            await ResumeAsync();
        }

        await SignalAsync("TERM");
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            return process.ExitCode;
        }
        catch (TimeoutException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            _log.Note($"=== faultlab: node {NodeId} did not stop within {timeout.TotalSeconds:F0} s of SIGTERM; killed");
            return null;
        }
    }

    private async Task SignalAsync(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await CommandRunner.RunCheckedAsync("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
    }

    private void OnExited(Process process)
    {
        if (_exitExpected || !ReferenceEquals(process, _process))
        {
            return;
        }

        var crash = new BrokerCrash(NodeId, _clock.NowSeconds, process.ExitCode);
        lock (_lock)
        {
            _crashes.Add(crash);
        }

        _log.Note(string.Create(CultureInfo.InvariantCulture, $"=== faultlab: node {NodeId} exited by itself with {crash.ExitCode} at +{crash.AtSeconds:F3} s"));
    }

    /// <summary>Closes the log; the process must have been stopped or killed (late output is dropped).</summary>
    public void Dispose()
    {
        _log.Dispose();
        _process?.Dispose();
    }
}
