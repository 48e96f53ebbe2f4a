namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>Thrown by <see cref="IMetadataQuorum.ReplicateAsync"/> when this member is not (or stopped being) the leader.</summary>
public sealed class NotQuorumLeaderException(int? leaderId, string message) : Exception(message)
{
    /// <summary>The leader this member knows of, if any: where to send the request instead.</summary>
    public int? LeaderId { get; } = leaderId;
}
