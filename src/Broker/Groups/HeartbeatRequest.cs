using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>A member's heartbeat, as the coordinator reads it (see the Groups service for field meanings).</summary>
public sealed record HeartbeatRequest(
    string GroupId,
    string MemberId,
    int MemberEpoch,
    string? InstanceId,
    TimeSpan SessionTimeout,
    TimeSpan RebalanceTimeout,
    IReadOnlyList<string> Topics,
    string? TopicRegex,
    IReadOnlySet<TopicPartition> Owned,
    TimeSpan MaxWait)
{
    public const int JoinEpoch = 0;
    public const int LeaveEpoch = -1;
    public const int StaticLeaveEpoch = -2;
}

/// <summary>The coordinator's answer: the member's epoch and the partitions it should own now, or an error.</summary>
public sealed record HeartbeatResult(
    Protocol.Errors.ErrorCode Error,
    string? Message,
    string MemberId,
    int MemberEpoch,
    TimeSpan HeartbeatInterval,
    IReadOnlyCollection<TopicPartition> Assignment);
