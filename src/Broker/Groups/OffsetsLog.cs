using Google.Protobuf;
using LogBroker.Broker.Groups.Records;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Groups;

/// <summary>
/// The internal compacted topic <c>__consumer_offsets</c>: group state written as keyed records (an
/// offset commit, a member, the group epoch; a tombstone deletes) and read back in order to rebuild
/// that state after a restart. Writes go through the partition's normal append path, so they are
/// durable exactly as produced records are: appended at once (so the coordinator's state and its log
/// stay in step under the group's gate), and <see cref="WaitReplicatedAsync"/> holds the answer to
/// the member or tool until the high watermark has passed them (acks=all). Records are stamped by the broker's <see cref="TimeProvider"/>,
/// the clock commit timestamps and session timeouts also go by.
/// </summary>
public sealed class OffsetsLog(ReplicaManager replicas, int partitionCount, TimeProvider time)
{
    public const string TopicName = "__consumer_offsets";

    public int PartitionCount { get; } = partitionCount;

    public TopicPartition PartitionOf(string groupId) => new(TopicName, GroupPartitioner.PartitionFor(groupId, PartitionCount));

    public bool TryGetPartition(string groupId, out Partition partition) => replicas.TryGetPartition(PartitionOf(groupId), out partition);

    public bool TryGetPartition(int partition, out Partition hosted) => replicas.TryGetPartition(new TopicPartition(TopicName, partition), out hosted);

    /// <summary>Appends records as one batch (not waiting for replication); throws <see cref="IOException"/> if the log refuses them.</summary>
    public void Append(string groupId, IReadOnlyList<(GroupRecordKey Key, IMessage? Value)> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        if (!TryGetPartition(groupId, out var partition))
        {
            throw new IOException($"{PartitionOf(groupId)} is not hosted here");
        }

        using var builder = new RecordBatchBuilder();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (key, value) in records)
        {
            builder.Append(now, key.ToByteArray(), value?.ToByteArray(), valueIsNull: value is null);
        }

        var result = partition.AppendAsLeader(builder.Build(), RequiredAcks.Leader).Result;
        if (!result.Succeeded)
        {
            throw new IOException($"writing group '{groupId}' state to {partition.TopicPartition} failed: {result.Error} {result.ErrorMessage}");
        }
    }

    /// <summary>
    /// Waits until everything appended so far to the group's partition is replicated to the ISR (the
    /// high watermark passed it), at most <paramref name="timeout"/>. NOT_COORDINATOR when this broker no
    /// longer leads the partition (the group's new coordinator reloads it from the log).
    /// </summary>
    public async Task<(ErrorCode Error, string? Message)> WaitReplicatedAsync(string groupId, TimeSpan timeout)
    {
        if (!TryGetPartition(groupId, out var partition))
        {
            return (ErrorCode.NotCoordinator, $"{PartitionOf(groupId)} is not hosted here");
        }

        var wait = partition.WaitForHighWatermarkAsync(partition.Log.LogEndOffset);
        try
        {
            var error = await wait.WaitAsync(timeout);
            return error switch
            {
                ErrorCode.None => (ErrorCode.None, null),
                ErrorCode.NotLeaderOrFollower => (ErrorCode.NotCoordinator, $"this broker stopped leading {partition.TopicPartition} before the group's state was replicated"),
                _ => (error, $"group '{groupId}' state written to {partition.TopicPartition} was not replicated: {error}"),
            };
        }
        catch (TimeoutException)
        {
            return (ErrorCode.RequestTimedOut, $"group '{groupId}' state written to {partition.TopicPartition} was not replicated within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Replays one partition from its start, handing each record (key, value or null for a tombstone) to <paramref name="apply"/> in order.</summary>
    public static void Replay(Partition partition, Action<GroupRecordKey, ReadOnlyMemory<byte>?> apply)
    {
        var log = partition.Log;
        var offset = log.LogStartOffset;
        var end = log.LogEndOffset;
        while (offset < end)
        {
            using var read = log.Read(offset, 1 << 20, end);
            if (read.IsEmpty)
            {
                break;
            }

            var batches = new BatchCursor(read.Records);
            while (batches.MoveNext(out var batch))
            {
                var records = RecordCursor.ForBatch(batch);
                while (records.MoveNext(out var record))
                {
                    if (record.Offset < offset || record.KeyIsNull)
                    {
                        continue;
                    }

                    apply(GroupRecordKey.Parser.ParseFrom(record.Key.Span), record.ValueIsNull ? null : record.Value);
                }

                offset = new RecordBatch(batch.Span).NextOffset;
            }
        }
    }

    public static (GroupRecordKey, IMessage?) OffsetCommit(string groupId, TopicPartition partition, CommittedOffset? committed) => (
        new GroupRecordKey { Type = GroupRecordType.OffsetCommit, Group = groupId, Topic = partition.Topic, Partition = partition.Partition },
        committed is { } c ? new OffsetCommitValue { Offset = c.Offset, Metadata = c.Metadata, CommitTimestamp = c.CommitTimestampMs } : null);

    public static (GroupRecordKey, IMessage?) GroupEpoch(string groupId, int? epoch) => (
        new GroupRecordKey { Type = GroupRecordType.GroupEpoch, Group = groupId },
        epoch is { } e ? new GroupEpochValue { Epoch = e } : null);

    public static (GroupRecordKey, IMessage?) Member(string groupId, string memberId, GroupMember? member)
    {
        var key = new GroupRecordKey { Type = GroupRecordType.Member, Group = groupId, MemberId = memberId };
        if (member is null)
        {
            return (key, null);
        }

        var value = new MemberValue
        {
            InstanceId = member.InstanceId ?? string.Empty,
            MemberEpoch = member.MemberEpoch,
            Regex = member.TopicRegex ?? string.Empty,
            SessionTimeoutMs = (int)member.SessionTimeout.TotalMilliseconds,
            RebalanceTimeoutMs = (int)member.RebalanceTimeout.TotalMilliseconds,
        };
        value.Topics.AddRange(member.Topics);
        foreach (var topic in member.Assigned.GroupBy(p => p.Topic))
        {
            var assigned = new AssignedPartitions { Topic = topic.Key };
            assigned.Partitions.AddRange(topic.Select(p => p.Partition).Order());
            value.Assigned.Add(assigned);
        }

        return (key, value);
    }
}
