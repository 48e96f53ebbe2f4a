using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// The outcome of one topic operation: success, or an error code and a message a person can act on.
/// <see cref="MetadataOffset"/> is the metadata log entry that holds the change (0 when nothing was
/// written): a broker that forwarded the request waits until its own image has it.
/// </summary>
public readonly record struct TopicOperationResult(ErrorCode Error, string? Message, long MetadataOffset = 0)
{
    public static TopicOperationResult Ok => default;

    public static TopicOperationResult Fail(ErrorCode error, string message) => new(error, message);
}
