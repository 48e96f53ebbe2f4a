namespace LogBroker.Protocol.Errors;

/// <summary>Which errors a client may retry as they are, following Kafka's classification.</summary>
public static class ErrorCodeExtensions
{
    public static bool IsRetriable(this ErrorCode code) => code switch
    {
        ErrorCode.CorruptMessage => false, // a corrupt batch stays corrupt when resent
        ErrorCode.UnknownTopicOrPartition => true,
        ErrorCode.LeaderNotAvailable => true,
        ErrorCode.NotLeaderOrFollower => true,
        ErrorCode.RequestTimedOut => true,
        ErrorCode.ReplicaNotAvailable => true,
        ErrorCode.NetworkException => true,
        ErrorCode.CoordinatorLoadInProgress => true,
        ErrorCode.CoordinatorNotAvailable => true,
        ErrorCode.NotCoordinator => true,
        ErrorCode.NotController => true,
        ErrorCode.NotEnoughReplicas => true,
        ErrorCode.NotEnoughReplicasAfterAppend => true,
        ErrorCode.KafkaStorageError => true,
        ErrorCode.FencedLeaderEpoch => true,
        ErrorCode.UnknownLeaderEpoch => true,
        ErrorCode.OffsetNotAvailable => true,
        ErrorCode.StaleMemberEpoch => true,
        _ => false,
    };
}
