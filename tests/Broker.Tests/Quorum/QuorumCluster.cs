using System.Collections.Concurrent;
using System.Diagnostics;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests.Quorum;

/// <summary>
/// Quorum members in this process on loopback ports, each over its own data directory in one temp
/// folder: started, stopped, killed (dropped without an orderly stop) and restarted over their files
/// as broker processes would be. A restarted member gets a fresh state machine, as a new process would.
/// Records every leadership each member announces, to check that no term ever has two leaders.
/// </summary>
internal sealed class QuorumCluster : IAsyncDisposable
{
    private readonly TempDirectory _root = new("quorum");
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentDictionary<int, ILoggerFactory> _loggers = new();
    private readonly Func<QuorumOptions, QuorumOptions> _configure;
    private readonly ConcurrentDictionary<int, RaftMetadataQuorum> _running = new();
    private readonly ConcurrentDictionary<int, ListStateMachine> _machines = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<int, bool>> _leadersByTerm = new();
    private readonly ConcurrentDictionary<int, ConcurrentQueue<(QuorumLeadership Change, int AppliedEntries)>> _changes = new();

    public QuorumCluster(int size, ITestOutputHelper output, Func<QuorumOptions, QuorumOptions>? configure = null)
    {
        _output = output;
        _configure = configure ?? (o => o);
        Voters = [.. Enumerable.Range(1, size).Select(id => new QuorumVoter(id, "127.0.0.1", GroupTestKit.FreePort()))];
    }

    public IReadOnlyList<QuorumVoter> Voters { get; }

    public IEnumerable<int> RunningIds => _running.Keys.Order();

    public RaftMetadataQuorum Member(int id) => _running[id];

    public ListStateMachine Machine(int id) => _machines[id];

    /// <summary>Every leadership change member <paramref name="id"/> announced since it last started, with how many entries it had applied then.</summary>
    public IReadOnlyList<(QuorumLeadership Change, int AppliedEntries)> Changes(int id) => [.. _changes[id]];

    public string DataDirectory(int id) => _root.Combine($"node-{id}");

    public QuorumOptions Options(int id) => _configure(new QuorumOptions
    {
        NodeId = id,
        Voters = Voters,
        DataDirectory = DataDirectory(id),
        LoggerFactory = _loggers.GetOrAdd(id, _ => LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(_output, $"[n{id}]")))),
    });

    public async Task StartAllAsync()
    {
        await Task.WhenAll(Voters.Select(v => StartAsync(v.NodeId)));
    }

    public async Task<RaftMetadataQuorum> StartAsync(int id)
    {
        var machine = new ListStateMachine();
        var quorum = new RaftMetadataQuorum(Options(id), machine);
        var changes = new ConcurrentQueue<(QuorumLeadership, int)>();
        quorum.LeadershipChanged += change =>
        {
            changes.Enqueue((change, machine.Values.Count));
            if (change.IsThisMember)
            {
                _leadersByTerm.GetOrAdd(change.Term, _ => new()).TryAdd(id, true);
            }
        };
        try
        {
            await quorum.StartAsync(CancellationToken.None);
        }
        catch
        {
            await quorum.DisposeAsync();
            throw;
        }

        _machines[id] = machine;
        _changes[id] = changes;
        _running[id] = quorum;
        return quorum;
    }

    /// <summary>Drops the member as a crash would.</summary>
    public async Task KillAsync(int id)
    {
        if (_running.TryRemove(id, out var quorum))
        {
            await quorum.AbandonAsync();
        }
    }

    public async Task StopAsync(int id)
    {
        if (_running.TryRemove(id, out var quorum))
        {
            await quorum.DisposeAsync();
        }
    }

    /// <summary>Waits until exactly one running member may act as leader and the others know it.</summary>
    public async Task<RaftMetadataQuorum> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        RaftMetadataQuorum? leader = null;
        await Eventually.True(() =>
        {
            var leaders = _running.Values.Where(q => q.IsLeader).ToList();
            leader = leaders.Count == 1 ? leaders[0] : null;
            return leader is not null && _running.Values.All(q => q.LeaderId == leader.NodeId);
        }, "one leader that every running member knows", timeout);
        return leader!;
    }

    /// <summary>Replicates through whichever member leads, retrying while leadership moves; returns the acknowledged index.</summary>
    public async Task<long> ReplicateAsync(string value, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Eventually.DefaultTimeout;
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        while (true)
        {
            var leader = _running.Values.FirstOrDefault(q => q.IsLeader);
            if (leader is not null)
            {
                try
                {
                    return await leader.ReplicateAsync(bytes, CancellationToken.None);
                }
                catch (NotQuorumLeaderException) when (deadline.Elapsed < limit)
                {
                }
            }
            else if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"no leader took '{value}' within {limit.TotalSeconds:F0}s");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Waits until every running member has applied exactly <paramref name="expected"/>, in order.</summary>
    public Task WaitForAllToApplyAsync(IReadOnlyList<string> expected, TimeSpan? timeout = null) =>
        Eventually.True(() => RunningIds.All(id => Machine(id).Values.SequenceEqual(expected)),
            $"every running member applies the {expected.Count} entries in order", timeout);

    public void AssertNoTwoLeadersInOneTerm()
    {
        foreach (var (term, leaders) in _leadersByTerm)
        {
            Xunit.Assert.True(leaders.Count == 1, $"term {term} had leaders {string.Join(',', leaders.Keys)}");
        }
    }

    public int TermsWithALeader => _leadersByTerm.Count;

    public void Log(string line) => _output.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _running.Keys.ToList())
        {
            await StopAsync(id);
        }

        foreach (var loggers in _loggers.Values)
        {
            loggers.Dispose();
        }

        _root.Dispose();
    }

    private sealed class TestOutputLoggerProvider(ITestOutputHelper output, string prefix) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, $"{prefix} {categoryName[(categoryName.LastIndexOf('.') + 1)..]}");

        public void Dispose()
        {
        }
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
