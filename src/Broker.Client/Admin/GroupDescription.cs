using LogBroker.Protocol;

namespace LogBroker.Client.Admin;

/// <summary>A consumer group: its state, members and, per partition, committed offset, log end and lag.</summary>
public sealed record GroupDescription(
    string GroupId,
    string State,
    int GroupEpoch,
    int CoordinatorId,
    IReadOnlyList<GroupMemberDescription> Members,
    IReadOnlyList<GroupPartitionLag> Partitions)
{
    public long TotalLag => Partitions.Sum(p => Math.Max(0, p.Lag));
}

public sealed record GroupMemberDescription(
    string MemberId,
    string? InstanceId,
    int MemberEpoch,
    IReadOnlyList<string> SubscribedTopics,
    string? SubscribedTopicRegex,
    IReadOnlyList<TopicPartition> Assignment,
    IReadOnlyList<TopicPartition> TargetAssignment);

/// <summary>Committed offset (-1 if none), log end offset, lag and owning member of one partition, and the metadata committed with the offset.</summary>
public sealed record GroupPartitionLag(TopicPartition TopicPartition, long CommittedOffset, long LogEndOffset, long Lag, string? MemberId, string CommittedMetadata = "");

public sealed record GroupListingEntry(string GroupId, string State, int Members);

/// <summary>Where a group offset reset moves partitions.</summary>
public enum OffsetResetTarget
{
    Earliest,
    Latest,
    Timestamp,
    Offset,
    ShiftBy,
}
