using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>Producer ids [<see cref="FirstProducerId"/>, +<see cref="Size"/>) now belong to the broker that asked.</summary>
public sealed record ProducerIdBlock(ErrorCode Error, string? Message, long FirstProducerId, int Size)
{
    public const int DefaultSize = 1000;
}
