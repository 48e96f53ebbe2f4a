namespace LogBroker.Broker.Cluster.Controller;

/// <summary>The controller's settings, after Kafka's broker settings of the same meaning.</summary>
public sealed record ControllerOptions
{
    /// <summary>A broker that has not heartbeated for this long is fenced (Kafka's broker.session.timeout.ms).</summary>
    public TimeSpan BrokerSessionTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Replication factor of topics created without one (default.replication.factor).</summary>
    public int DefaultReplicationFactor { get; init; } = 1;

    /// <summary>Replication factor of __consumer_offsets, capped at the live brokers (offsets.topic.replication.factor).</summary>
    public int OffsetsTopicReplicationFactor { get; init; } = 3;

    /// <summary>Whether leadership moves back to preferred replicas by itself (auto.leader.rebalance.enable).</summary>
    public bool AutoLeaderRebalance { get; init; } = true;

    /// <summary>How often the preferred-leader check runs (leader.imbalance.check.interval.seconds).</summary>
    public TimeSpan LeaderImbalanceCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the controller looks for expired sessions and leaderless partitions.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A <c>topics.json</c> of a single-node broker from before the metadata quorum, imported into the
    /// metadata log once, by the first controller that finds it and an empty log; null: nothing to import.
    /// </summary>
    public string? LegacyTopicsFile { get; init; }

    /// <summary>This node's id (the controller registers nothing itself, but imports name it as replica).</summary>
    public int NodeId { get; init; }
}
