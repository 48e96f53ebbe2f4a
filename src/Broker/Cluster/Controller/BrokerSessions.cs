using System.Collections.Concurrent;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// When each broker registration was last heard from, on the active controller only (not in the
/// metadata log: a new controller gives every broker a fresh session when it takes over, as Kafka's
/// does). Times are <see cref="TimeProvider"/> timestamps. Thread-safe.
/// </summary>
public sealed class BrokerSessions(TimeProvider time, TimeSpan sessionTimeout)
{
    private readonly ConcurrentDictionary<int, (long BrokerEpoch, long LastContact)> _sessions = new();

    public void Touch(int nodeId, long brokerEpoch) => _sessions[nodeId] = (brokerEpoch, time.GetTimestamp());

    /// <summary>Every registered broker's session starts now (this controller just took over).</summary>
    public void Restart(IEnumerable<(int NodeId, long BrokerEpoch)> brokers)
    {
        _sessions.Clear();
        foreach (var (node, epoch) in brokers)
        {
            Touch(node, epoch);
        }
    }

    /// <summary>True while the registration <paramref name="brokerEpoch"/> of <paramref name="nodeId"/> was heard from within the session timeout.</summary>
    public bool IsAlive(int nodeId, long brokerEpoch) =>
        _sessions.TryGetValue(nodeId, out var session) && session.BrokerEpoch == brokerEpoch && time.GetElapsedTime(session.LastContact) <= sessionTimeout;

    /// <summary>Whether the broker was ever heard from by this controller (an unknown one gets a session when first seen).</summary>
    public bool Knows(int nodeId, long brokerEpoch) => _sessions.TryGetValue(nodeId, out var session) && session.BrokerEpoch == brokerEpoch;
}
