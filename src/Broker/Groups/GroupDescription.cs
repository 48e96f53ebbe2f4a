using LogBroker.Protocol;

namespace LogBroker.Broker.Groups;

/// <summary>A group as operators see it: its members and, per partition, committed offset, log end and lag.</summary>
public sealed record GroupDescription(
    string GroupId,
    GroupState State,
    int GroupEpoch,
    IReadOnlyList<GroupMemberDescription> Members,
    IReadOnlyList<GroupPartitionDescription> Partitions);

public sealed record GroupMemberDescription(
    string MemberId,
    string? InstanceId,
    int MemberEpoch,
    IReadOnlyList<string> Topics,
    string? TopicRegex,
    IReadOnlyCollection<TopicPartition> Assignment,
    IReadOnlyCollection<TopicPartition> TargetAssignment);

/// <summary>One partition of a group: committed offset (-1 if none) and its metadata, the log end consumers can reach, lag, and the member that owns it (if any).</summary>
public sealed record GroupPartitionDescription(TopicPartition Partition, long CommittedOffset, string CommittedMetadata, long LogEndOffset, long Lag, string? MemberId);
