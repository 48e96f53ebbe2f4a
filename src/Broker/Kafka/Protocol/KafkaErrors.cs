using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// Kafka error codes that only this listener reports, numbered as Kafka numbers them; the shared ones
/// are in <see cref="ErrorCode"/>.
/// </summary>
public static class KafkaErrors
{
    public const ErrorCode InconsistentGroupProtocol = (ErrorCode)23;
    public const ErrorCode InvalidReplicaAssignment = (ErrorCode)39;
    public const ErrorCode MemberIdRequired = (ErrorCode)79;
    public const ErrorCode UnknownTopicId = (ErrorCode)100;
    public const ErrorCode UnsupportedAssignor = (ErrorCode)112;
}
