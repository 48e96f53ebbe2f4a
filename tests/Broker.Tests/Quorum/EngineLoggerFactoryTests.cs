using System.Net;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>
/// The sink of DotNext's log, fed events shaped as DotNext 6.12 logs them (event id, named values);
/// the quorum tests check the same paths against the real engine.
/// </summary>
public sealed class EngineLoggerFactoryTests
{
    private static readonly IPEndPoint PeerA = new(IPAddress.Loopback, 9412);
    private static readonly IPEndPoint PeerB = new(IPAddress.Loopback, 9422);
    private readonly ManualTimeProvider _time = new();
    private readonly PeerTracker _peers;
    private readonly RecordingLoggerFactory _broker = new();
    private readonly List<Exception> _faults = [];
    private readonly ILogger _engine;

    public EngineLoggerFactoryTests()
    {
        _peers = new PeerTracker(_time);
        _peers.Add(PeerA);
        _peers.Add(PeerB);
        var factory = new EngineLoggerFactory(_broker, _peers, _faults.Add, TimeSpan.FromSeconds(30), _time);
        _engine = factory.CreateLogger("DotNext.Net.Cluster.Consensus.Raft.RaftCluster");
    }

    [Fact]
    public void A_dead_peer_warning_passes_once_per_peer_per_interval()
    {
        for (var heartbeat = 0; heartbeat < 10; heartbeat++)
        {
            Log(LogLevel.Warning, 74010, ("Member", PeerA));
            Log(LogLevel.Warning, 74010, ("Member", PeerB));
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(2, _broker.Lines.Count(l => l.EventId == 74010));
        _time.Advance(TimeSpan.FromSeconds(30));
        Log(LogLevel.Warning, 74010, ("Member", PeerA));
        Assert.Equal(3, _broker.Lines.Count(l => l.EventId == 74010));
    }

    [Fact]
    public void Other_events_pass_as_they_are()
    {
        Log(LogLevel.Information, 74004, ("Term", 3L));
        Log(LogLevel.Information, 74004, ("Term", 3L));

        Assert.Equal(2, _broker.Lines.Count(l => l.EventId == 74004));
        Assert.Empty(_faults);
    }

    [Fact]
    public void A_logged_log_integrity_exception_is_reported_to_the_watchdog()
    {
        var fault = new DotNext.IO.Log.IntegrityException("page 3 is missing");

        Log(LogLevel.Error, 74028, exception: new InvalidOperationException("request failed", fault), values: ("RemoteEndPoint", PeerA));
        Log(LogLevel.Error, 74028, exception: new IOException("connection reset"), values: ("RemoteEndPoint", PeerA));

        Assert.Same(fault, Assert.Single(_faults).InnerException);
    }

    [Fact]
    public void Replication_rounds_give_the_leader_each_peers_match_index()
    {
        Assert.Equal((-1, null), _peers.Get(PeerA));

        Log(LogLevel.Debug, 74012, ("Member", PeerA), ("StartIndex", 1L), ("EndIndex", 7L));
        Assert.Equal(-1, _peers.Get(PeerA).MatchIndex);
        Log(LogLevel.Debug, 74014, ("Member", PeerA), ("EntryIndex", 1L));
        Log(LogLevel.Debug, 74012, ("Member", PeerA), ("StartIndex", 8L), ("EndIndex", 9L));
        Log(LogLevel.Warning, 74015, ("Member", PeerA), ("EntryIndex", 8L));
        Log(LogLevel.Debug, 74012, ("Member", PeerB), ("StartIndex", 1L), ("EndIndex", 9L));
        Log(LogLevel.Information, 74018, ("Member", PeerB), ("EntryIndex", 5L));
        Log(LogLevel.Debug, 74014, ("Member", PeerB), ("EntryIndex", 1L));

        Assert.Equal(7, _peers.Get(PeerA).MatchIndex);
        Assert.Equal(5, _peers.Get(PeerB).MatchIndex);
        Assert.DoesNotContain(_broker.Lines, l => l.Level == LogLevel.Debug);
        _peers.Reset();
        Assert.Equal(-1, _peers.Get(PeerB).MatchIndex);
    }

    private void Log(LogLevel level, int eventId, params (string Name, object Value)[] values) => Log(level, eventId, null, values);

    private void Log(LogLevel level, int eventId, Exception? exception, params (string Name, object Value)[] values)
    {
        IReadOnlyList<KeyValuePair<string, object?>> state = [.. values.Select(v => new KeyValuePair<string, object?>(v.Name, v.Value))];
        if (_engine.IsEnabled(level))
        {
            _engine.Log(level, new EventId(eventId), state, exception, (s, _) => string.Join(' ', s));
        }
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
    {
        public List<(LogLevel Level, int EventId)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, eventId.Id));
    }
}
