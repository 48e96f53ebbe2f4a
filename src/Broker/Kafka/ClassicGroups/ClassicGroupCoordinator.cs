using System.Collections.Concurrent;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>What a classic group says about an offset commit.</summary>
public enum ClassicCommitCheck
{
    /// <summary>Not a member of a classic group: the commit goes to the consumer-protocol checks as it is.</summary>
    NotClassic,

    /// <summary>A member of the current generation: the commit is stored for the group.</summary>
    Accepted,
}

/// <summary>
/// Coordinator of classic-protocol groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup; the leader
/// member assigns). Membership lives in memory only: after a restart, members get UNKNOWN_MEMBER_ID
/// and rejoin, as Kafka clients do after a coordinator moves. Committed offsets are the broker's
/// (__consumer_offsets), shared with the gRPC API. A group is either classic or consumer-protocol
/// at a time, never both (Kafka's rule: INCONSISTENT_GROUP_PROTOCOL). A sweeper enforces deadlines.
/// </summary>
public sealed partial class ClassicGroupCoordinator(ClassicGroupOptions options, TimeProvider time, ILogger<ClassicGroupCoordinator> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _sweeper = Task.CompletedTask;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private int InitialDelayMs => (int)options.InitialRebalanceDelay.TotalMilliseconds;

    /// <summary>Whether the group has classic members (or members about to join): then consumer-protocol members may not join it.</summary>
    public bool HasMembers(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return false;
        }

        lock (group.Lock)
        {
            return group.Members.Count > 0 || group.HasPendingMembers;
        }
    }

    /// <summary>
    /// A member joins (or rejoins) and waits for the rebalance to complete. <paramref name="requireKnownMemberId"/>
    /// (JoinGroup v4+) makes a member without an id get one with MEMBER_ID_REQUIRED and come back with it.
    /// </summary>
    public async Task<JoinGroupResult> JoinAsync(JoinGroupRequest request, string clientId, string clientHost, bool requireKnownMemberId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return JoinGroupResult.Failed(ErrorCode.InvalidGroupId, request.MemberId);
        }

        if (request.SessionTimeoutMs < options.MinSessionTimeout.TotalMilliseconds || request.SessionTimeoutMs > options.MaxSessionTimeout.TotalMilliseconds)
        {
            return JoinGroupResult.Failed(ErrorCode.InvalidSessionTimeout, request.MemberId);
        }

        if (string.IsNullOrEmpty(request.ProtocolType) || request.Protocols.Count == 0)
        {
            return JoinGroupResult.Failed(KafkaErrors.InconsistentGroupProtocol, request.MemberId);
        }

        Task<JoinGroupResult> joined;
        while (true)
        {
            var group = request.MemberId.Length == 0
                ? _groups.GetOrAdd(request.GroupId, id => new ClassicGroup(id))
                : _groups.GetValueOrDefault(request.GroupId);
            if (group is null)
            {
                return JoinGroupResult.Failed(ErrorCode.UnknownMemberId, request.MemberId);
            }

            lock (group.Lock)
            {
                if (group.State == ClassicGroupState.Dead)
                {
                    continue;
                }

                var refused = Admit(group, request, clientId, clientHost, requireKnownMemberId, out var member);
                if (refused is not null)
                {
                    return refused;
                }

                member!.JoinWaiter = new TaskCompletionSource<JoinGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                joined = member.JoinWaiter.Task;
                group.PrepareRebalance(Now, InitialDelayMs);
                group.TryCompleteJoin(Now);
            }

            break;
        }

        return await joined.WaitAsync(cancellationToken);
    }

    public async Task<SyncGroupResult> SyncAsync(SyncGroupRequest request, CancellationToken cancellationToken)
    {
        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            return new SyncGroupResult(ErrorCode.UnknownMemberId, null, null, []);
        }

        Task<SyncGroupResult> synced;
        lock (group.Lock)
        {
            if (!group.Members.TryGetValue(request.MemberId, out var member))
            {
                return new SyncGroupResult(ErrorCode.UnknownMemberId, null, null, []);
            }

            if (request.GenerationId != group.GenerationId)
            {
                return new SyncGroupResult(ErrorCode.IllegalGeneration, null, null, []);
            }

            if ((request.ProtocolType is not null && request.ProtocolType != group.ProtocolType) || (request.ProtocolName is not null && request.ProtocolName != group.ProtocolName))
            {
                return new SyncGroupResult(KafkaErrors.InconsistentGroupProtocol, null, null, []);
            }

            member.LastHeartbeatMs = Now;
            switch (group.State)
            {
                case ClassicGroupState.Stable:
                    return new SyncGroupResult(ErrorCode.None, group.ProtocolType, group.ProtocolName, member.Assignment);
                case ClassicGroupState.CompletingRebalance:
                    member.SyncWaiter = new TaskCompletionSource<SyncGroupResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    synced = member.SyncWaiter.Task;
                    if (member.MemberId == group.LeaderId)
                    {
                        group.CompleteSync(request.Assignments);
                        logger.LogInformation("Classic group {Group} is stable at generation {Generation} with {Members} member(s)", group.GroupId, group.GenerationId, group.Members.Count);
                    }

                    break;
                default:
                    return new SyncGroupResult(ErrorCode.RebalanceInProgress, null, null, []);
            }
        }

        return await synced.WaitAsync(cancellationToken);
    }

    public ErrorCode Heartbeat(string groupId, int generationId, string memberId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ErrorCode.UnknownMemberId;
        }

        lock (group.Lock)
        {
            if (!group.Members.TryGetValue(memberId, out var member))
            {
                return ErrorCode.UnknownMemberId;
            }

            member.LastHeartbeatMs = Now;
            return group.State switch
            {
                ClassicGroupState.PreparingRebalance => ErrorCode.RebalanceInProgress,
                _ when generationId != group.GenerationId => ErrorCode.IllegalGeneration,
                _ => ErrorCode.None,
            };
        }
    }

    /// <summary>Members leave, by member id or (static members) by instance id; each gets its own outcome.</summary>
    public IReadOnlyList<(string MemberId, string? InstanceId, ErrorCode Error)> Leave(string groupId, IReadOnlyList<(string MemberId, string? InstanceId)> leaving)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return [.. leaving.Select(l => (l.MemberId, l.InstanceId, ErrorCode.UnknownMemberId))];
        }

        var results = new List<(string, string?, ErrorCode)>(leaving.Count);
        lock (group.Lock)
        {
            foreach (var (memberId, instanceId) in leaving)
            {
                var member = instanceId is not null ? group.FindByInstance(instanceId) : group.Members.GetValueOrDefault(memberId);
                if (member is null || (instanceId is not null && memberId.Length > 0 && member.MemberId != memberId))
                {
                    results.Add((memberId, instanceId, member is null ? ErrorCode.UnknownMemberId : ErrorCode.FencedInstanceId));
                    continue;
                }

                group.Remove(member, ErrorCode.UnknownMemberId, Now, InitialDelayMs);
                logger.LogInformation("Member {MemberId} left classic group {Group}", member.MemberId, groupId);
                results.Add((member.MemberId, instanceId, ErrorCode.None));
            }

            RemoveIfUnused(group);
        }

        return results;
    }

    /// <summary>
    /// Checks an offset commit against the classic group: a member of it must commit at the current
    /// generation, and not while the leader's assignment is awaited (Kafka's rules; commits made while
    /// members rejoin are accepted, so they can commit what they revoke).
    /// </summary>
    public (ClassicCommitCheck Check, ErrorCode Error) CheckCommit(string groupId, int generationId, string memberId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return (ClassicCommitCheck.NotClassic, ErrorCode.None);
        }

        lock (group.Lock)
        {
            if (group.Members.Count == 0)
            {
                return (ClassicCommitCheck.NotClassic, ErrorCode.None);
            }

            if (!group.Members.TryGetValue(memberId, out var member))
            {
                return (ClassicCommitCheck.Accepted, ErrorCode.UnknownMemberId);
            }

            member.LastHeartbeatMs = Now;
            return generationId != group.GenerationId ? (ClassicCommitCheck.Accepted, ErrorCode.IllegalGeneration)
                : group.State == ClassicGroupState.CompletingRebalance ? (ClassicCommitCheck.Accepted, ErrorCode.RebalanceInProgress)
                : (ClassicCommitCheck.Accepted, ErrorCode.None);
        }
    }

    /// <summary>Every classic group with members: id, state, protocol type.</summary>
    public IReadOnlyList<(string GroupId, ClassicGroupState State, string ProtocolType)> List()
    {
        var result = new List<(string, ClassicGroupState, string)>();
        foreach (var group in _groups.Values)
        {
            lock (group.Lock)
            {
                if (group.Members.Count > 0)
                {
                    result.Add((group.GroupId, group.State, group.ProtocolType ?? "consumer"));
                }
            }
        }

        return result;
    }

    /// <summary>The group as DescribeGroups shows it, or null when it has no classic members.</summary>
    public DescribedGroup? Describe(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return null;
        }

        lock (group.Lock)
        {
            if (group.Members.Count == 0)
            {
                return null;
            }

            var members = group.Members.Values
                .Select(m => new DescribedMember(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost, m.MetadataFor(group.ProtocolName), m.Assignment))
                .ToList();
            return new DescribedGroup(ErrorCode.None, null, group.GroupId, group.State.ToString(), group.ProtocolType ?? string.Empty, group.ProtocolName ?? string.Empty, members);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sweeper = Task.Run(SweepAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _sweeper;
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Adds the joining member to the group (new, pending, known or a static member's return), or says why not.</summary>
    private JoinGroupResult? Admit(ClassicGroup group, JoinGroupRequest request, string clientId, string clientHost, bool requireKnownMemberId, out ClassicMember? member)
    {
        member = null;
        if (!group.SupportsProtocols(request.ProtocolType, request.Protocols))
        {
            return JoinGroupResult.Failed(KafkaErrors.InconsistentGroupProtocol, request.MemberId);
        }

        var now = Now;
        if (request.MemberId.Length == 0)
        {
            var memberId = $"{clientId}-{Guid.NewGuid():N}";
            if (request.GroupInstanceId is { } instanceId && group.FindByInstance(instanceId) is { } previous)
            {
                // A static member restarted: its old incarnation is fenced and the group rebalances with the new one.
                group.Remove(previous, ErrorCode.FencedInstanceId, now, InitialDelayMs);
            }
            else if (requireKnownMemberId && request.GroupInstanceId is null)
            {
                group.NewPendingMember(memberId, now + request.SessionTimeoutMs);
                return JoinGroupResult.Failed(KafkaErrors.MemberIdRequired, memberId);
            }

            member = new ClassicMember(memberId);
            group.Add(member, request.ProtocolType);
            logger.LogInformation("Member {MemberId} joined classic group {Group}", memberId, group.GroupId);
        }
        else if (group.TakePendingMember(request.MemberId))
        {
            member = new ClassicMember(request.MemberId);
            group.Add(member, request.ProtocolType);
            logger.LogInformation("Member {MemberId} joined classic group {Group}", request.MemberId, group.GroupId);
        }
        else if (!group.Members.TryGetValue(request.MemberId, out member))
        {
            return JoinGroupResult.Failed(ErrorCode.UnknownMemberId, request.MemberId);
        }
        else if (request.GroupInstanceId is not null && member.InstanceId != request.GroupInstanceId)
        {
            return JoinGroupResult.Failed(ErrorCode.FencedInstanceId, request.MemberId);
        }

        member.JoinWaiter?.TrySetResult(JoinGroupResult.Failed(ErrorCode.UnknownMemberId, member.MemberId)); // a retried join replaces the one parked
        member.InstanceId = request.GroupInstanceId;
        member.ClientId = clientId;
        member.ClientHost = clientHost;
        member.SessionTimeoutMs = request.SessionTimeoutMs;
        member.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        member.ProtocolType = request.ProtocolType;
        member.Protocols = request.Protocols;
        member.LastHeartbeatMs = now;
        return null;
    }

    /// <summary>Drops a group that has nobody left (its offsets stay in the offsets store). Called under its lock.</summary>
    private void RemoveIfUnused(ClassicGroup group)
    {
        if (group.Members.Count == 0 && !group.HasPendingMembers && _groups.TryRemove(KeyValuePair.Create(group.GroupId, group)))
        {
            group.MarkDead();
        }
    }
}
