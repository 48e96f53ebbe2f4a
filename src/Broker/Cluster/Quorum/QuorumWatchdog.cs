namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// Notices a member that has stopped making progress and asks for it to be rebuilt in-process over the
/// same log. In the soak test a follower whose log threw MissingPageException failed every AppendEntries
/// until its process restarted; the engine does not recover on its own. Signs, checked a few times per
/// <see cref="QuorumOptions.StallTimeout"/>:
/// <list type="bullet">
/// <item>the state machine threw while applying (the engine's apply loop is then dead);</item>
/// <item>the log reported an integrity fault, in a failed request or through its background tasks;</item>
/// <item>committed entries stay unapplied for a stall timeout;</item>
/// <item>a known leader other than this member is heard from for a stall timeout (no heartbeat
/// succeeds, the commit index stands still): its requests all fail here;</item>
/// <item>the last rebuild failed, so no member runs.</item>
/// </list>
/// Rebuilds are at least a stall timeout apart, so a fault that survives a rebuild does not spin.
/// </summary>
internal sealed class QuorumWatchdog(QuorumOptions options, MetadataApplier applier, Func<string, Task> restart) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Exception? _integrityFault;
    private long? _lastRestartTicks;
    private int _disposed;
    private long _watched = -1;
    private long _lastApplied;
    private long _lastCommitted;
    private long _progressTicks;

    private long StallTicks => (long)options.StallTimeout.TotalMilliseconds;

    public void Start(Func<MemberProgress?> current)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.StallTimeout.TotalMilliseconds / 4, 10, 1000));
        _loop = Task.Run(() => RunAsync(current, period));
    }

    /// <summary>Called from any thread when the engine reports a log-integrity exception.</summary>
    public void ReportIntegrityFault(Exception fault) => Volatile.Write(ref _integrityFault, fault);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }

    /// <summary>Why the member needs rebuilding, or null while it is healthy. Called from one thread at a time.</summary>
    internal string? Diagnose(MemberProgress? progress, long nowTicks)
    {
        if (progress is not { } member)
        {
            return "no member runs (the last rebuild failed)";
        }

        if (member.Incarnation != _watched)
        {
            _watched = member.Incarnation;
            _lastApplied = -1;
            _lastCommitted = -1;
            _progressTicks = nowTicks;
            Volatile.Write(ref _integrityFault, null);
        }

        if (applier.Fault is { } applyFault)
        {
            return $"the state machine failed to apply entry {applier.AppliedIndex + 1}: {applyFault.GetType().Name}: {applyFault.Message}";
        }

        if (Interlocked.Exchange(ref _integrityFault, null) is { } integrityFault)
        {
            return $"the metadata log reported {integrityFault.GetType().Name}: {integrityFault.Message}";
        }

        if (member.LogFault is { } logFault)
        {
            return $"the metadata log's background work failed: {logFault.Message}";
        }

        if (member.AppliedIndex != _lastApplied || member.CommitIndex != _lastCommitted)
        {
            _lastApplied = member.AppliedIndex;
            _lastCommitted = member.CommitIndex;
            _progressTicks = nowTicks;
        }

        var sinceProgress = nowTicks - _progressTicks;
        if (member.AppliedIndex < member.CommitIndex && sinceProgress > StallTicks)
        {
            return $"entries {member.AppliedIndex + 1}..{member.CommitIndex} are committed but not applied for {sinceProgress} ms";
        }

        var sinceLeader = nowTicks - Math.Max(_progressTicks, member.LastLeaderContactTicks);
        if (member.LeaderId is { } leader && leader != options.NodeId && !member.IsLeader && sinceLeader > StallTicks)
        {
            return $"leader {leader} is known but nothing from it succeeded here for {sinceLeader} ms";
        }

        return null;
    }

    private async Task RunAsync(Func<MemberProgress?> current, TimeSpan period)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (Diagnose(current(), now) is not { } reason || now - _lastRestartTicks < StallTicks)
                {
                    continue;
                }

                _lastRestartTicks = now;
                await restart(reason).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
