using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Partitions;

/// <summary>A partition found on this broker, or the error to report and why.</summary>
public readonly record struct PartitionLookup(Partition? Partition, ErrorCode Error, string? Message)
{
    public bool Found => Partition is not null;
}
