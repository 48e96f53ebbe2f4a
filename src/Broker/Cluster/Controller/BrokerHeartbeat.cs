using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// A registered broker's periodic "still here": how far it has applied the metadata log (it is
/// unfenced once it has caught up with its own registration), and whether it wants to stop
/// (controlled shutdown: its leaderships move first).
/// </summary>
public sealed record BrokerHeartbeatRequest(int NodeId, long BrokerEpoch, long MetadataOffset, bool WantShutDown);

/// <summary>
/// <see cref="IsFenced"/>: the broker may not lead or join ISRs yet. <see cref="ShouldShutDown"/>:
/// a broker that asked to stop leads nothing any more and may go.
/// </summary>
public sealed record BrokerHeartbeatResult(ErrorCode Error, string? Message, bool IsFenced, bool ShouldShutDown);
