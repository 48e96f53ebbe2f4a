using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Partitions;
using LogBroker.Broker.Groups.Records;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Groups;

/// <summary>
/// Group membership at the coordinator (Kafka's new group protocol, KIP-848): members join, stay and
/// leave by heartbeat; the coordinator computes the target assignment and moves each member toward
/// it without ever giving a partition to two members at once. Heartbeats are long polls: one is held
/// until its member's assignment changes, so rebalances take round trips, not heartbeat intervals.
/// A sweeper (GroupCoordinator.Sweep.cs) removes members whose session ran out or who did not revoke
/// within their rebalance timeout, and refreshes targets when subscribed topics gain partitions.
/// </summary>
public sealed partial class GroupCoordinator(GroupStore store, ReplicaManager replicas, IController controller, MetadataStore metadata, GroupCoordinatorOptions options, TimeProvider time, ILogger<GroupCoordinator> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _sweeper = Task.CompletedTask;
    private int _metadataChanged;
    private int _disposed;

    /// <summary>Follows the leadership of the __consumer_offsets partitions (loading their groups) and starts the sweeper.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        replicas.LeadershipChanged += store.OnLeadershipChanged;
        foreach (var partition in replicas.Partitions)
        {
            if (partition.IsLeader)
            {
                store.OnLeadershipChanged(partition, true);
            }
        }

        metadata.AddListener(_ => Interlocked.Exchange(ref _metadataChanged, 1));
        _sweeper = Task.Run(SweepAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Creates __consumer_offsets when the first group needs it (as Kafka does): compacted, with the
    /// offsets topic's partition count and replication factor. Returns the error a client retries on
    /// when it cannot be created yet (too few live brokers, no controller).
    /// </summary>
    public async Task<(ErrorCode Error, string? Message)> EnsureOffsetsTopicAsync(CancellationToken cancellationToken)
    {
        if (metadata.Topics.ContainsKey(OffsetsLog.TopicName))
        {
            return (ErrorCode.None, null);
        }

        var configs = new Dictionary<string, string>
        {
            [Storage.Config.TopicConfigKeys.CleanupPolicy] = "compact",
            [Storage.Config.TopicConfigKeys.SegmentBytes] = options.OffsetsTopicSegmentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var created = await controller.CreateTopicAsync(new CreateTopicRequest(OffsetsLog.TopicName, store.Log.PartitionCount, -1, configs, IsInternal: true), cancellationToken);
        return created.Error is ErrorCode.None or ErrorCode.TopicAlreadyExists
            ? (ErrorCode.None, null)
            : (ErrorCode.CoordinatorNotAvailable, $"{OffsetsLog.TopicName} cannot be created yet: {created.Message}");
    }

    /// <summary>A heartbeat, answered once the group state it changed is replicated.</summary>
    public async Task<HeartbeatResult> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var result = await HeartbeatCoreAsync(request, cancellationToken);
        if (result.Error != ErrorCode.None)
        {
            return result;
        }

        var (error, message) = await store.Log.WaitReplicatedAsync(request.GroupId, options.ReplicationTimeout);
        return error == ErrorCode.None ? result : Fail(request, error, message!);
    }

    private async Task<HeartbeatResult> HeartbeatCoreAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var (error, message) = store.CheckCoordinator(request.GroupId);
        if (error != ErrorCode.None)
        {
            return Fail(request, error, message!);
        }

        if (string.IsNullOrEmpty(request.MemberId))
        {
            return Fail(request, ErrorCode.UnknownMemberId, "a member id is required (a UUID the member chooses when it first joins)");
        }

        if (request.SessionTimeout < options.MinSessionTimeout || request.SessionTimeout > options.MaxSessionTimeout)
        {
            return Fail(request, ErrorCode.InvalidSessionTimeout, $"session timeout must be from {options.MinSessionTimeout.TotalMilliseconds} to {options.MaxSessionTimeout.TotalMilliseconds} ms");
        }

        // A join's subscription is checked before the group exists, so a refused join leaves nothing behind.
        TopicPattern? joinPattern = null;
        if (request.MemberEpoch == HeartbeatRequest.JoinEpoch && !TryPattern(request, null, out joinPattern, out var refused))
        {
            return refused;
        }

        // Only a join creates a group: any other heartbeat for a group that does not exist leaves none behind.
        var group = await store.LockAsync(request.GroupId, create: request.MemberEpoch == HeartbeatRequest.JoinEpoch, CancellationToken.None);
        if (group is null)
        {
            return request.MemberEpoch == HeartbeatRequest.LeaveEpoch
                ? new HeartbeatResult(ErrorCode.None, null, request.MemberId, HeartbeatRequest.LeaveEpoch, options.HeartbeatInterval, [])
                : Fail(request, ErrorCode.UnknownMemberId, $"member {request.MemberId} is not in group '{request.GroupId}'; join with epoch 0");
        }

        var wait = request.MaxWait < options.HeartbeatInterval ? request.MaxWait : options.HeartbeatInterval;
        var deadline = Now + (long)wait.TotalMilliseconds;
        var first = true;
        var parked = false;
        while (true)
        {
            Task changed;
            if (!first)
            {
                await group.Gate.WaitAsync(CancellationToken.None);
            }

            try
            {
                if (parked)
                {
                    parked = false;
                    if (group.Members.TryGetValue(request.MemberId, out var stillHere))
                    {
                        stillHere.ParkedHeartbeats--;
                    }
                }

                if (first)
                {
                    first = false;
                    var early = Apply(group, request, joinPattern);
                    if (early is not null)
                    {
                        return early;
                    }
                }

                if (!group.Members.TryGetValue(request.MemberId, out var member))
                {
                    return Fail(request, ErrorCode.FencedMemberEpoch, $"member {request.MemberId} was removed from group '{group.GroupId}' (session or rebalance timeout); rejoin with epoch 0");
                }

                Refresh(group);
                var now = Now;
                var (assignment, memberChanged, released) = group.Reconcile(member, request.Owned, now);
                if (memberChanged)
                {
                    Persist(group, OffsetsLog.Member(group.GroupId, member.MemberId, member));
                }

                if (released)
                {
                    group.NotifyChanged(); // partitions became free for others
                }

                member.LastSeenMs = now;
                var answerNow = memberChanged || !assignment.SetEquals(request.Owned) || now >= deadline || cancellationToken.IsCancellationRequested;
                if (answerNow)
                {
                    return new HeartbeatResult(ErrorCode.None, null, member.MemberId, member.MemberEpoch, options.HeartbeatInterval, assignment);
                }

                member.ParkedHeartbeats++;
                parked = true;
                changed = group.Changed;
            }
            finally
            {
                group.Gate.Release();
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(1, deadline - Now)), cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                // the caller went away: unpark (next loop) and answer what there is
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _sweeper;
        _stopping.Dispose();
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Join, leave, temporary leave, epoch check and subscription update; a result ends the call early.</summary>
    private HeartbeatResult? Apply(ConsumerGroup group, HeartbeatRequest request, TopicPattern? joinPattern)
    {
        group.Members.TryGetValue(request.MemberId, out var member);
        switch (request.MemberEpoch)
        {
            case HeartbeatRequest.LeaveEpoch:
                if (member is not null)
                {
                    RemoveMember(group, member, "left");
                }

                return new HeartbeatResult(ErrorCode.None, null, request.MemberId, HeartbeatRequest.LeaveEpoch, options.HeartbeatInterval, []);

            case HeartbeatRequest.StaticLeaveEpoch:
                if (member is null || member.InstanceId is null)
                {
                    return Fail(request, ErrorCode.UnknownMemberId, "only a known static member (with an instance id) can leave temporarily");
                }

                member.AwayUntilMs = Now + (long)member.SessionTimeout.TotalMilliseconds;
                return new HeartbeatResult(ErrorCode.None, null, request.MemberId, HeartbeatRequest.StaticLeaveEpoch, options.HeartbeatInterval, []);

            case HeartbeatRequest.JoinEpoch:
                return Join(group, request, member, joinPattern);

            default:
                if (member is null)
                {
                    return Fail(request, ErrorCode.UnknownMemberId, $"member {request.MemberId} is not in group '{group.GroupId}'; join with epoch 0");
                }

                if (request.MemberEpoch != member.MemberEpoch && request.MemberEpoch != member.PreviousEpoch)
                {
                    return Fail(request, ErrorCode.FencedMemberEpoch, $"member epoch {request.MemberEpoch} is not the current {member.MemberEpoch}; rejoin with epoch 0");
                }

                if (!TryPattern(request, member.TopicPattern, out var pattern, out var refused))
                {
                    return refused;
                }

                UpdateSubscription(group, member, request, pattern);
                return null;
        }
    }

    private HeartbeatResult? Join(ConsumerGroup group, HeartbeatRequest request, GroupMember? existing, TopicPattern? pattern)
    {
        var records = new List<(GroupRecordKey, IMessage?)>();
        var member = existing;
        if (member is null && request.InstanceId is not null
            && group.Members.Values.FirstOrDefault(m => m.InstanceId == request.InstanceId) is { } previous)
        {
            if (previous.AwayUntilMs is null && previous.IsAlive(Now))
            {
                // Kafka's answer (KIP-848): the old member may still be running. The new one retries;
                // if the old one's session ends meanwhile, it is held for the new one (see Sweep).
                previous.ReplacementRefusedAtMs = Now;
                return Fail(request, ErrorCode.UnreleasedInstanceId, $"instance id '{request.InstanceId}' is still used by member {previous.MemberId}; it must leave first, or its session end");
            }

            // A static member back under a new member id takes over its partitions and epoch.
            group.Members.Remove(previous.MemberId);
            records.Add(OffsetsLog.Member(group.GroupId, previous.MemberId, null));
            member = new GroupMember(request.MemberId) { MemberEpoch = previous.MemberEpoch, PreviousEpoch = previous.MemberEpoch };
            member.TakeOver(previous);
            logger.LogInformation("Static member {InstanceId} of group {Group} is back as {MemberId}", request.InstanceId, group.GroupId, request.MemberId);
        }
        else if (member is null)
        {
            member = new GroupMember(request.MemberId);
            logger.LogInformation("Member {MemberId} joined group {Group}", request.MemberId, group.GroupId);
        }
        else
        {
            member.ReleaseAllBut(request.Owned); // a rejoining member gave up what it no longer owns
        }

        member.InstanceId = request.InstanceId;
        member.AwayUntilMs = null;
        member.LastSeenMs = Now;
        group.Members[member.MemberId] = member;
        group.GroupEpoch++;
        UpdateSubscription(group, member, request, pattern, force: true);
        records.Add(OffsetsLog.GroupEpoch(group.GroupId, group.GroupEpoch));
        records.Add(OffsetsLog.Member(group.GroupId, member.MemberId, member));
        Persist(group, [.. records]);
        return null;
    }

    /// <summary>
    /// The request's regex subscription compiled, or the member's current one when it is unchanged (so a
    /// pattern is compiled once, not per heartbeat); a pattern that does not parse refuses the request.
    /// </summary>
    private bool TryPattern(HeartbeatRequest request, TopicPattern? current, out TopicPattern? pattern, [NotNullWhen(false)] out HeartbeatResult? refused)
    {
        refused = null;
        pattern = null;
        if (string.IsNullOrEmpty(request.TopicRegex))
        {
            return true;
        }

        if (current is not null && current.Pattern == request.TopicRegex)
        {
            pattern = current;
            return true;
        }

        if (TopicPattern.TryParse(request.TopicRegex, out pattern, out var error))
        {
            return true;
        }

        refused = Fail(request, ErrorCode.InvalidRegularExpression, $"group '{request.GroupId}': {error}");
        return false;
    }

    private void UpdateSubscription(ConsumerGroup group, GroupMember member, HeartbeatRequest request, TopicPattern? pattern, bool force = false)
    {
        member.SessionTimeout = request.SessionTimeout;
        member.RebalanceTimeout = request.RebalanceTimeout;
        if (!force && member.Topics.SequenceEqual(request.Topics) && member.TopicPattern == pattern)
        {
            return;
        }

        member.Topics = [.. request.Topics];
        member.TopicPattern = pattern;
        if (!force)
        {
            group.GroupEpoch++;
            Persist(group, OffsetsLog.GroupEpoch(group.GroupId, group.GroupEpoch), OffsetsLog.Member(group.GroupId, member.MemberId, member));
        }
    }

    private void RemoveMember(ConsumerGroup group, GroupMember member, string why)
    {
        group.Members.Remove(member.MemberId);
        group.GroupEpoch++;
        Persist(group, OffsetsLog.Member(group.GroupId, member.MemberId, null), OffsetsLog.GroupEpoch(group.GroupId, group.GroupEpoch));
        group.NotifyChanged();
        logger.LogInformation("Member {MemberId} {Why}: group {Group} rebalances its {Count} partition(s)", member.MemberId, why, group.GroupId, member.Assigned.Count);
    }

    /// <summary>Recomputes the target when the group or its subscribed topics changed, persisting the new epoch.</summary>
    private void Refresh(ConsumerGroup group)
    {
        var counts = store.PartitionCounts();
        var before = group.GroupEpoch;
        if (group.RefreshTarget(counts.ContainsKey, counts) && group.GroupEpoch != before)
        {
            Persist(group, OffsetsLog.GroupEpoch(group.GroupId, group.GroupEpoch));
        }
    }

    private void Persist(ConsumerGroup group, params (GroupRecordKey, IMessage?)[] records) => store.Log.Append(group.GroupId, records);

    private HeartbeatResult Fail(HeartbeatRequest request, ErrorCode error, string message) =>
        new(error, message, request.MemberId, request.MemberEpoch, options.HeartbeatInterval, []);
}
