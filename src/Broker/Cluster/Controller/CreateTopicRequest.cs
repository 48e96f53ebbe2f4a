namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// A topic to create. <see cref="ReplicationFactor"/> of -1 or 0 takes the broker default
/// (<c>default.replication.factor</c>; for internal topics the offsets topic's).
/// </summary>
public sealed record CreateTopicRequest(string Name, int Partitions, int ReplicationFactor, IReadOnlyDictionary<string, string> Configs, bool ValidateOnly = false, bool IsInternal = false);
