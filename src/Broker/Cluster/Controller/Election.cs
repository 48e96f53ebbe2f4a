using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>Kafka's election types: back to the preferred replica, or (explicitly asked) from any live replica.</summary>
public enum ElectionType
{
    Preferred,
    Unclean,
}

/// <summary>One partition's outcome of an election request.</summary>
public sealed record ElectionResult(TopicPartition TopicPartition, ErrorCode Error, string? Message);
