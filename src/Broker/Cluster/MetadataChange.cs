using LogBroker.Broker.Cluster.Image;

namespace LogBroker.Broker.Cluster;

/// <summary>The image before and after one metadata entry (or a snapshot), for those who act on it.</summary>
public sealed record MetadataChange(ClusterImage Previous, ClusterImage Current);
