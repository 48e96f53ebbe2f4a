using System.Collections.Concurrent;
using System.Net;
using DotNext.IO.Log;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The logger factory handed to DotNext. It passes the engine's log on to the broker's, with three
/// changes: a leader's warnings about one dead peer, which DotNext repeats on every heartbeat, pass at
/// most once per peer per <c>PeerWarningInterval</c>; the leader's replication rounds feed the
/// <see cref="PeerTracker"/>; and a log-integrity exception the engine only logs (a follower whose log
/// lost a page fails every AppendEntries that way, and recovers only when rebuilt) is reported to the
/// watchdog. Event ids are DotNext 6.12's (<c>LogMessages</c>, 74000 + n).
/// </summary>
internal sealed class EngineLoggerFactory(
    ILoggerFactory inner, PeerTracker peers, Action<Exception> onIntegrityFault, TimeSpan peerWarningInterval, TimeProvider time) : ILoggerFactory
{
    private const int MemberUnavailable = 74010;
    private const int ReplicationStarted = 74012;
    private const int ReplicationSuccessful = 74014;
    private const int ReplicationFailed = 74015;
    private const int InstallingSnapshot = 74018;
    private const int SlowMember = 74044;

    private readonly ConcurrentDictionary<(int EventId, EndPoint Peer), long> _nextWarningTicks = new();

    public ILogger CreateLogger(string categoryName) => new EngineLogger(this, inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("the quorum's engine log forwards to the broker's logger factory; add providers there");

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    private static EndPoint? Peer<TState>(TState state, string name)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                if (key == name)
                {
                    return value as EndPoint;
                }
            }
        }

        return null;
    }

    private static long Number<TState>(TState state, string name)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                if (key == name && value is long number)
                {
                    return number;
                }
            }
        }

        return -1;
    }

    private static bool IsIntegrityFault(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IntegrityException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Observes one engine event; false when it must not be passed on (a repeated per-peer warning).</summary>
    private bool Observe<TState>(EventId eventId, TState state, Exception? exception)
    {
        if (IsIntegrityFault(exception))
        {
            onIntegrityFault(exception!);
        }

        switch (eventId.Id)
        {
            case ReplicationStarted when Peer(state, "Member") is { } peer:
                peers.OnRoundStarted(peer, Number(state, "EndIndex"));
                return true;
            case InstallingSnapshot when Peer(state, "Member") is { } peer:
                peers.OnRoundStarted(peer, Number(state, "EntryIndex"));
                return true;
            case ReplicationSuccessful when Peer(state, "Member") is { } peer:
                peers.OnRoundSucceeded(peer);
                return true;
            case MemberUnavailable or ReplicationFailed or SlowMember when Peer(state, "Member") is { } peer:
                return FirstInInterval(eventId.Id, peer);
            default:
                return true;
        }
    }

    private bool FirstInInterval(int eventId, EndPoint peer)
    {
        var now = time.GetUtcNow().UtcTicks;
        var key = (eventId, peer);
        while (true)
        {
            if (!_nextWarningTicks.TryGetValue(key, out var next))
            {
                if (_nextWarningTicks.TryAdd(key, now + peerWarningInterval.Ticks))
                {
                    return true;
                }
            }
            else if (now < next)
            {
                return false;
            }
            else if (_nextWarningTicks.TryUpdate(key, now + peerWarningInterval.Ticks, next))
            {
                return true;
            }
        }
    }

    private sealed class EngineLogger(EngineLoggerFactory owner, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        // Debug stays on whatever the broker's level: the replication rounds the tracker reads are Debug events.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.Observe(eventId, state, exception) && inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
