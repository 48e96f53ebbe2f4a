using System.Net;
using System.Net.Sockets;
using DotNext.IO.Log;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Threading;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The metadata quorum on DotNext.Net.Cluster 6.12 (Raft over its TCP transport, persistent
/// write-ahead log and snapshots under <c>&lt;data&gt;/metadata/</c>). Membership is the static voter
/// list. A watchdog rebuilds the engine in-process over the same files when it stops making progress
/// (<see cref="QuorumStatus.Restarts"/> counts the rebuilds). Thread-safe; <see cref="StartAsync"/> once,
/// then any member may be called from any thread until disposal.
/// </summary>
public sealed class RaftMetadataQuorum : IMetadataQuorum
{
    private readonly QuorumOptions _options;
    private readonly MetadataApplier _applier;
    private readonly PeerTracker _peers = new(TimeProvider.System);
    private readonly EngineLoggerFactory _engineLoggers;
    private readonly ILogger _logger;
    private readonly LeadershipNotifier _notifier;
    private readonly QuorumWatchdog _watchdog;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private List<(QuorumVoter Voter, IPEndPoint EndPoint)> _voters = [];
    private RaftMember? _member;
    private long _lastTerm;
    private long _restarts;
    private bool _started;
    private bool _disposed;

    public RaftMetadataQuorum(QuorumOptions options, IMetadataStateMachine stateMachine)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateMachine);
        options.Validate();
        _options = options;
        _applier = new MetadataApplier(stateMachine);
        _logger = options.LoggerFactory.CreateLogger<RaftMetadataQuorum>();
        _notifier = new LeadershipNotifier(_logger);
        _watchdog = new QuorumWatchdog(options, _applier, RestartAsync);
        _engineLoggers = new EngineLoggerFactory(options.LoggerFactory, _peers, _watchdog.ReportIntegrityFault, options.PeerWarningInterval, TimeProvider.System);
    }

    public int NodeId => _options.NodeId;

    public int? LeaderId => Volatile.Read(ref _member)?.LeaderId;

    public bool IsLeader => Volatile.Read(ref _member)?.IsLeader ?? false;

    public long Term => Volatile.Read(ref _member)?.Term ?? Volatile.Read(ref _lastTerm);

    /// <summary>Last log index applied, engine-internal entries (which the state machine never sees) included.</summary>
    public long AppliedIndex => Math.Max(_applier.AppliedIndex, Volatile.Read(ref _member)?.Log.LastAppliedIndex ?? 0);

    public event Action<QuorumLeadership>? LeadershipChanged
    {
        add => _notifier.Changed += value;
        remove => _notifier.Changed -= value;
    }

    public QuorumStatus Status
    {
        get
        {
            var member = Volatile.Read(ref _member);
            var leading = member?.IsLeader ?? false;
            var voters = new List<VoterStatus>(_voters.Count);
            foreach (var (voter, endPoint) in _voters)
            {
                var (match, contact) = !leading ? (-1L, (DateTimeOffset?)null)
                    : voter.NodeId == NodeId ? (member!.Log.LastEntryIndex, DateTimeOffset.UtcNow)
                    : _peers.Get(endPoint);
                voters.Add(new VoterStatus(voter.NodeId, $"{voter.Host}:{voter.Port}", match, contact));
            }

            return new QuorumStatus(NodeId, member?.LeaderId, Term, member?.Log.LastCommittedEntryIndex ?? AppliedIndex, AppliedIndex, voters,
                Interlocked.Read(ref _restarts));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException($"metadata quorum member {NodeId} is already started");
            }

            _voters = [.. _options.Voters.Select(v => (v, v.ResolveEndPoint()))];
            foreach (var (_, endPoint) in _voters)
            {
                _peers.Add(endPoint);
            }

            try
            {
                Volatile.Write(ref _member, await StartMemberAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (SocketException e)
            {
                throw new IOException($"metadata quorum member {NodeId} cannot listen on {_options.Self.Host}:{_options.Self.Port}: {e.Message}", e);
            }

            _started = true;
            _logger.LogInformation("Metadata quorum member {NodeId} started on {EndPoint}: term {Term}, applied up to {AppliedIndex}, voters {Voters}",
                NodeId, _options.Self, Term, AppliedIndex, string.Join(',', _options.Voters));
            _watchdog.Start(() => Volatile.Read(ref _member)?.Progress());
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask<long> ReplicateAsync(ReadOnlyMemory<byte> entry, CancellationToken cancellationToken)
    {
        if (entry.IsEmpty)
        {
            // The engine stores a payload-less entry as a term marker and never applies it.
            throw new ArgumentException("a metadata entry must not be empty", nameof(entry));
        }

        var member = Volatile.Read(ref _member);
        if (member is null || !member.IsLeader)
        {
            throw NotLeader(member, $"metadata quorum member {NodeId} is not the leader");
        }

        var term = member.Term;
        var proposal = new Proposal(term);
        try
        {
            // DotNext 6.12: RaftCluster.ReplicateAsync appends on the leader, then waits until the log has
            // applied the entry's index; it throws NotLeaderException when this member is not, or stops
            // being, the leader first. The term is the one the proposal was made in (see Proposal).
            await member.Cluster.ReplicateAsync(new BinaryLogEntry { Content = entry, Term = term, Context = proposal }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (NotLeaderException)
        {
            throw NotLeader(member, $"metadata quorum member {NodeId} stopped leading term {term} before the entry was committed");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw NotLeader(member, $"metadata quorum member {NodeId} stopped leading term {term} before the entry was committed");
        }
        catch (ObjectDisposedException)
        {
            throw NotLeader(null, $"metadata quorum member {NodeId} is restarting or stopping; the entry may or may not commit");
        }
        catch (IntegrityException e)
        {
            _watchdog.ReportIntegrityFault(e);
            throw NotLeader(null, $"the metadata log of member {NodeId} failed ({e.Message}); the member is rebuilt");
        }
        catch (PendingTaskInterruptedException e)
        {
            // DotNext 6.12 wakes the wait for the entry's apply this way when its apply loop dies (the
            // reason is the loop's InternalException); the entry may well be committed.
            throw NotLeader(null, $"member {NodeId} could not apply the entry ({(e.Reason as Exception)?.Message ?? e.Message}); the member is rebuilt and the entry may still commit");
        }

        if (!proposal.Applied.IsCompleted)
        {
            throw NotLeader(member, $"the entry proposed in term {term} was not the one applied at its index; it was not committed");
        }

        try
        {
            return await proposal.Applied.ConfigureAwait(false);
        }
        catch (NotQuorumLeaderException e)
        {
            throw NotLeader(member, e.Message);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(abandon: false).ConfigureAwait(false);

    /// <summary>Stops as a crash would (see <see cref="RaftMember.AbandonAsync"/>). For fault tests.</summary>
    internal async ValueTask AbandonAsync() => await StopAsync(abandon: true).ConfigureAwait(false);

    private async ValueTask StopAsync(bool abandon)
    {
        await _watchdog.DisposeAsync().ConfigureAwait(false);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (Interlocked.Exchange(ref _member, null) is { } member)
            {
                Volatile.Write(ref _lastTerm, member.Term);
                if (abandon)
                {
                    await member.AbandonAsync().ConfigureAwait(false);
                }
                else
                {
                    await member.DisposeAsync().ConfigureAwait(false);
                }
            }

            await _notifier.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private Task<RaftMember> StartMemberAsync(CancellationToken cancellationToken) =>
        RaftMember.StartAsync(_options, _applier, _peers, _engineLoggers, OnLeaderChanged, OnLeadership, cancellationToken);

    private async Task RestartAsync(string reason)
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            var restarts = Interlocked.Increment(ref _restarts);
            _logger.LogWarning("Metadata quorum member {NodeId} is rebuilt in-process over its log (restart {Restarts}): {Reason}", NodeId, restarts, reason);
            if (Interlocked.Exchange(ref _member, null) is { } old)
            {
                Volatile.Write(ref _lastTerm, old.Term);
                try
                {
                    await old.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _logger.LogWarning(e, "Stopping the stalled metadata quorum member {NodeId} failed; rebuilding it anyway", NodeId);
                }
            }

            _applier.ClearFault();
            try
            {
                Volatile.Write(ref _member, await StartMemberAsync(CancellationToken.None).ConfigureAwait(false));
                _logger.LogInformation("Metadata quorum member {NodeId} rebuilt: term {Term}, applied up to {AppliedIndex}", NodeId, Term, AppliedIndex);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Rebuilding metadata quorum member {NodeId} failed; the watchdog tries again", NodeId);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private void OnLeaderChanged(int? leaderId, long term) => _notifier.Post(new QuorumLeadership(leaderId, term, false));

    private void OnLeadership(long term, bool leading)
    {
        if (leading)
        {
            // A new leader knows nothing yet of what its followers hold.
            _peers.Reset();
            _notifier.Post(new QuorumLeadership(NodeId, term, true));
        }
        else
        {
            _notifier.Post(new QuorumLeadership(Volatile.Read(ref _member)?.LeaderId, term, false));
        }
    }

    private NotQuorumLeaderException NotLeader(RaftMember? member, string message)
    {
        var leader = member?.LeaderId;
        return new NotQuorumLeaderException(leader == NodeId ? null : leader, leader is { } id && id != NodeId ? $"{message}; the leader is {id}" : message);
    }
}
