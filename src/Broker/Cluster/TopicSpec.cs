namespace LogBroker.Broker.Cluster;

/// <summary>
/// A topic as the cluster metadata records it: identity, partition count and the configs set on the
/// topic itself (everything else comes from the broker defaults). Immutable; changes make a new one.
/// </summary>
public sealed record TopicSpec(string Name, Guid TopicId, int PartitionCount, IReadOnlyDictionary<string, string> ConfigOverrides, bool IsInternal = false);
