using System.Collections.Concurrent;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Groups.Records;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Groups;

/// <summary>
/// The groups this broker coordinates: those whose __consumer_offsets partition it leads. When it
/// starts leading one, the partition is replayed in the background (requests for its groups get
/// COORDINATOR_LOAD_IN_PROGRESS meanwhile); when it stops, its groups are dropped (requests get
/// NOT_COORDINATOR and clients find the new coordinator, which loads them from the replicated log).
/// Shared by the coordinator (membership) and the offset and admin paths; each group is guarded by
/// its own gate.
/// </summary>
public sealed class GroupStore(OffsetsLog log, MetadataStore metadata, BrokerIdentity identity, TimeProvider time, ILogger<GroupStore> logger)
{
    private readonly ConcurrentDictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Per offsets partition: the load generation, and whether that load finished.</summary>
    private readonly ConcurrentDictionary<int, (long Generation, bool Leading, bool Loaded)> _partitions = new();
    private long _generations;

    public OffsetsLog Log => log;

    public ICollection<ConsumerGroup> Groups => _groups.Values;

    public bool TryGet(string groupId, out ConsumerGroup group) => _groups.TryGetValue(groupId, out group!);

    public ConsumerGroup GetOrCreate(string groupId) => _groups.GetOrAdd(groupId, id => new ConsumerGroup(id));

    public void Remove(ConsumerGroup group) => _groups.TryRemove(KeyValuePair.Create(group.GroupId, group));

    /// <summary>
    /// The group with its gate held: the existing one, or (when <paramref name="create"/>) a new one;
    /// null when it does not exist and is not to be created. Never a group that was removed (deleted)
    /// while this waited for its gate, whose changes would be lost.
    /// </summary>
    public async Task<ConsumerGroup?> LockAsync(string groupId, bool create, CancellationToken cancellationToken)
    {
        while (true)
        {
            ConsumerGroup? group;
            if (create)
            {
                group = GetOrCreate(groupId);
            }
            else if (!TryGet(groupId, out group))
            {
                return null;
            }

            await group.Gate.WaitAsync(cancellationToken);
            if (TryGet(groupId, out var current) && current == group)
            {
                return group;
            }

            group.Gate.Release();
        }
    }

    /// <summary>Whether this broker may serve the group now; otherwise the error a client retries on.</summary>
    public (ErrorCode Error, string? Message) CheckCoordinator(string groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return (ErrorCode.InvalidGroupId, "the group id is empty");
        }

        if (!log.TryGetPartition(groupId, out var partition) || !partition.IsLeader)
        {
            return (ErrorCode.NotCoordinator, $"node {identity.NodeId} does not coordinate group '{groupId}'");
        }

        return _partitions.TryGetValue(partition.TopicPartition.Partition, out var state) && state.Loaded
            ? (ErrorCode.None, null)
            : (ErrorCode.CoordinatorLoadInProgress, $"node {identity.NodeId} is still loading the groups of {partition.TopicPartition}");
    }

    /// <summary>True when the groups of every offsets partition this broker leads are loaded.</summary>
    public bool IsLoaded
    {
        get
        {
            foreach (var (_, state) in _partitions)
            {
                if (!state.Loaded && state.Leading)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Follows the leadership of the offsets partitions (the replica manager's event): loads a partition's
    /// groups when this broker starts leading it, drops them when it stops.
    /// </summary>
    public void OnLeadershipChanged(Partition partition, bool leading)
    {
        if (partition.TopicPartition.Topic != OffsetsLog.TopicName)
        {
            return;
        }

        var p = partition.TopicPartition.Partition;
        var generation = Interlocked.Increment(ref _generations);
        _partitions[p] = (generation, leading, false);
        if (!leading)
        {
            Unload(p);
            return;
        }

        _ = Task.Run(() => Load(partition, generation));
    }

    /// <summary>
    /// Replays one offsets partition; members come back alive for one session timeout. A newer change of
    /// leadership (a later generation) makes this load's result void.
    /// </summary>
    private void Load(Partition partition, long generation)
    {
        var p = partition.TopicPartition.Partition;
        try
        {
            Unload(p); // whatever an earlier leadership left behind
            var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            OffsetsLog.Replay(partition, (key, value) => Apply(key, value, nowMs));
            foreach (var group in _groups.Values.Where(g => PartitionOf(g) == p && g.Members.Count == 0 && g.Offsets.Count == 0 && g.GroupEpoch == 0).ToList())
            {
                Remove(group);
            }

            if (_partitions.TryUpdate(p, (generation, true, true), (generation, true, false)))
            {
                logger.LogInformation("Loaded the consumer groups of {TopicPartition} ({Groups} coordinated here now)", partition.TopicPartition, _groups.Count);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or Google.Protobuf.InvalidProtocolBufferException)
        {
            logger.LogError(e, "Loading the consumer groups of {TopicPartition} failed; its groups stay unavailable until its leadership changes", partition.TopicPartition);
        }
    }

    private void Unload(int partition)
    {
        foreach (var group in _groups.Values)
        {
            if (PartitionOf(group) == partition)
            {
                Remove(group);
            }
        }
    }

    private int PartitionOf(ConsumerGroup group) => log.PartitionOf(group.GroupId).Partition;

    /// <summary>Every topic with its partition count, internal ones excluded (what subscriptions can match).</summary>
    public IReadOnlyDictionary<string, int> PartitionCounts() =>
        metadata.Topics.Values.Where(t => !t.IsInternal).ToDictionary(t => t.Name, t => t.PartitionCount, StringComparer.Ordinal);

    /// <summary>
    /// A stored subscription regex, compiled; one that does not parse (written before subscriptions were
    /// checked) is dropped with a warning rather than failing every refresh of its group.
    /// </summary>
    private TopicPattern? Pattern(GroupRecordKey key, string regex)
    {
        if (string.IsNullOrEmpty(regex))
        {
            return null;
        }

        if (TopicPattern.TryParse(regex, out var pattern, out var error))
        {
            return pattern;
        }

        logger.LogWarning("Member {MemberId} of group {Group} was stored with a subscription that cannot be used ({Error}); it subscribes to nothing by regex until it sends a valid one", key.MemberId, key.Group, error);
        return null;
    }

    private void Apply(GroupRecordKey key, ReadOnlyMemory<byte>? value, long nowMs)
    {
        var group = GetOrCreate(key.Group);
        switch (key.Type)
        {
            case GroupRecordType.OffsetCommit:
                var tp = new TopicPartition(key.Topic, key.Partition);
                if (value is { } offsetBytes)
                {
                    var committed = OffsetCommitValue.Parser.ParseFrom(offsetBytes.Span);
                    group.Offsets[tp] = new CommittedOffset(committed.Offset, committed.Metadata, committed.CommitTimestamp);
                }
                else
                {
                    group.Offsets.Remove(tp);
                }

                break;
            case GroupRecordType.GroupEpoch:
                group.GroupEpoch = value is { } epochBytes ? GroupEpochValue.Parser.ParseFrom(epochBytes.Span).Epoch : 0;
                break;
            case GroupRecordType.Member:
                if (value is { } memberBytes)
                {
                    var stored = MemberValue.Parser.ParseFrom(memberBytes.Span);
                    var member = new GroupMember(key.MemberId)
                    {
                        InstanceId = string.IsNullOrEmpty(stored.InstanceId) ? null : stored.InstanceId,
                        MemberEpoch = stored.MemberEpoch,
                        PreviousEpoch = stored.MemberEpoch,
                        Topics = [.. stored.Topics],
                        TopicPattern = Pattern(key, stored.Regex),
                        SessionTimeout = TimeSpan.FromMilliseconds(stored.SessionTimeoutMs),
                        RebalanceTimeout = TimeSpan.FromMilliseconds(stored.RebalanceTimeoutMs),
                        LastSeenMs = nowMs,
                    };
                    foreach (var assigned in stored.Assigned)
                    {
                        foreach (var p in assigned.Partitions)
                        {
                            // The epoch each was handed over at is not stored: the member's epoch is a
                            // safe stand-in (commits from before it are refused and retried).
                            member.Acquire(new TopicPartition(assigned.Topic, p), stored.MemberEpoch);
                        }
                    }

                    group.Members[key.MemberId] = member;
                }
                else
                {
                    group.Members.Remove(key.MemberId);
                }

                break;
        }
    }
}
