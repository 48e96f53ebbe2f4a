using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster;

/// <summary>The outcome of one topic operation: success, or an error code and a message a person can act on.</summary>
public readonly record struct TopicOperationResult(ErrorCode Error, string? Message)
{
    public static TopicOperationResult Ok => default;

    public static TopicOperationResult Fail(ErrorCode error, string message) => new(error, message);
}
