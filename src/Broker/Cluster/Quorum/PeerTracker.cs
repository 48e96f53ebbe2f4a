using System.Net;
using DotNext.Diagnostics;

namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// The leader's view of each peer for <see cref="QuorumStatus"/>: the last index a peer is known to
/// hold and when it last answered. DotNext 6.12 keeps its per-follower replication state internal, so
/// this is rebuilt from what it does publish: a failure detector is told of every answer, and the
/// leader's structured log names each replication round's end index (event 74012), a snapshot sent
/// instead (74018), and the round's success (74014). Rounds to one peer run one at a time, in order.
/// Reset when this member becomes leader: a new leader knows nothing of its followers yet.
/// </summary>
internal sealed class PeerTracker(TimeProvider time)
{
    private readonly Dictionary<EndPoint, Peer> _peers = [];

    /// <summary>Adds a peer; only before the member starts (the set is fixed afterwards).</summary>
    public void Add(EndPoint endPoint) => _peers[endPoint] = new Peer();

    public void Reset()
    {
        foreach (var peer in _peers.Values)
        {
            Volatile.Write(ref peer.MatchIndex, -1);
            Volatile.Write(ref peer.RoundEnd, -1);
            Volatile.Write(ref peer.LastContactTicks, 0);
        }
    }

    public void OnRoundStarted(EndPoint peer, long endIndex)
    {
        if (_peers.TryGetValue(peer, out var p))
        {
            Volatile.Write(ref p.RoundEnd, endIndex);
        }
    }

    public void OnRoundSucceeded(EndPoint peer)
    {
        if (_peers.TryGetValue(peer, out var p))
        {
            var end = Volatile.Read(ref p.RoundEnd);
            if (end >= 0)
            {
                Volatile.Write(ref p.MatchIndex, end);
            }
        }
    }

    public void OnContact(EndPoint peer)
    {
        if (_peers.TryGetValue(peer, out var p))
        {
            Volatile.Write(ref p.LastContactTicks, time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>What the leader knows of <paramref name="peer"/>: -1 and null when nothing.</summary>
    public (long MatchIndex, DateTimeOffset? LastContact) Get(EndPoint peer)
    {
        if (!_peers.TryGetValue(peer, out var p))
        {
            return (-1, null);
        }

        var ticks = Volatile.Read(ref p.LastContactTicks);
        return (Volatile.Read(ref p.MatchIndex), ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero));
    }

    /// <summary>The engine's per-peer failure detector: only records answers. It never reports a peer dead, since the engine would then remove it from the voters.</summary>
    public IFailureDetector CreateDetector(EndPoint peer) => new ContactRecorder(this, peer);

    private sealed class Peer
    {
        public long MatchIndex = -1;
        public long RoundEnd = -1;
        public long LastContactTicks;
    }

    private sealed class ContactRecorder(PeerTracker tracker, EndPoint peer) : IFailureDetector
    {
        public bool IsHealthy => true;

        // Monitoring, so the engine does not warn on every heartbeat that the health is unknown.
        public bool IsMonitoring => true;

        public void ReportHeartbeat() => tracker.OnContact(peer);

        // Nothing accumulates here that a reset would clear: contact times are the tracker's.
        public void Reset()
        {
        }
    }
}
