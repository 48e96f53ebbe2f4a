using System.Collections.Immutable;

namespace LogBroker.Broker.Cluster;

/// <summary>The topics before and after one metadata change, for those who apply it (the replica manager).</summary>
public sealed record MetadataChange(ImmutableDictionary<string, TopicSpec> Previous, ImmutableDictionary<string, TopicSpec> Current);
