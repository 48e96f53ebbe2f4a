using System.Collections.Concurrent;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// ConsumerGroupHeartbeat (KIP-848) onto the broker's own coordinator, the one gRPC consumers use:
/// Kafka and gRPC members can share a group. Kafka's heartbeat leaves out what did not change since
/// the last one (subscription, owned partitions, timeouts), and our coordinator wants the whole state,
/// so each member's last state is kept here until it leaves, is fenced or falls silent; the
/// assignment is sent when it changed, as Kafka sends it. Topics travel by id on this API.
/// </summary>
public sealed class ConsumerGroupHeartbeatHandler(KafkaGroups groups, KafkaCluster cluster, ClassicGroupCoordinator classic, TimeProvider time) : KafkaApiHandler<ConsumerGroupHeartbeatRequest>
{
    /// <summary>A member state not refreshed for this long belongs to a member the coordinator has long evicted.</summary>
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Group, string Member), MemberState> _members = new();
    private long _nextCleanupMs;

    public override ApiKey ApiKey => ApiKey.ConsumerGroupHeartbeat;

    public override short MinVersion => 0;

    public override short MaxVersion => 1;

    public override short FirstFlexibleVersion => 0;

    protected override ConsumerGroupHeartbeatRequest Read(ref KafkaReader reader, short version) => ConsumerGroupHeartbeatRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, ConsumerGroupHeartbeatRequest request, CancellationToken cancellationToken)
    {
        var (error, message) = groups.CheckCoordinator(request.GroupId);
        if (error != ErrorCode.None)
        {
            return Failed(request, error, message);
        }

        if (request.ServerAssignor is not null and not "uniform")
        {
            return Failed(request, KafkaErrors.UnsupportedAssignor, $"assignor '{request.ServerAssignor}' is not available; this broker assigns with 'uniform'");
        }

        var joining = request.MemberEpoch == 0;
        if (joining && classic.HasMembers(request.GroupId))
        {
            return Failed(request, KafkaErrors.InconsistentGroupProtocol, $"group '{request.GroupId}' has classic-protocol members; a group uses one protocol at a time");
        }

        var memberId = request.MemberId.Length > 0 ? request.MemberId : Guid.NewGuid().ToString("N");
        var key = (request.GroupId, memberId);
        var previous = _members.GetValueOrDefault(key);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var state = new MemberState(
            request.SubscribedTopicNames ?? previous?.Topics ?? [],
            request.SubscribedTopicRegex ?? previous?.Regex,
            request.InstanceId ?? previous?.InstanceId,
            request.RebalanceTimeoutMs >= 0 ? request.RebalanceTimeoutMs : previous?.RebalanceTimeoutMs ?? 300_000,
            request.OwnedPartitions is { } owned ? Names(owned) : previous?.Owned ?? new HashSet<(string, int)>(),
            joining ? null : previous?.LastAssignment,
            now);
        var outcome = await groups.HeartbeatAsync(
            new KafkaHeartbeat(request.GroupId, memberId, request.MemberEpoch, state.InstanceId, TimeSpan.FromMilliseconds(state.RebalanceTimeoutMs), state.Topics, string.IsNullOrEmpty(state.Regex) ? null : state.Regex, state.Owned),
            cancellationToken);
        if (outcome.Error != ErrorCode.None || request.MemberEpoch < 0)
        {
            _members.TryRemove(key, out _);
            return outcome.Error != ErrorCode.None
                ? Failed(request, outcome.Error, outcome.Message)
                : new ConsumerGroupHeartbeatResponse(ErrorCode.None, null, memberId, outcome.MemberEpoch, outcome.HeartbeatIntervalMs, null);
        }

        var assignment = outcome.Assignment.ToHashSet();
        var changed = state.LastAssignment is null || !assignment.SetEquals(state.LastAssignment);
        _members[key] = state with { LastAssignment = assignment };
        CleanUp(now);
        return new ConsumerGroupHeartbeatResponse(ErrorCode.None, null, outcome.MemberId, outcome.MemberEpoch, outcome.HeartbeatIntervalMs, changed ? ById(assignment) : null);
    }

    private static ConsumerGroupHeartbeatResponse Failed(ConsumerGroupHeartbeatRequest request, ErrorCode error, string? message) =>
        new(error, message, request.MemberId.Length > 0 ? request.MemberId : null, request.MemberEpoch, 0, null);

    private HashSet<(string, int)> Names(IReadOnlyList<(Guid TopicId, int[] Partitions)> owned)
    {
        var result = new HashSet<(string, int)>();
        foreach (var (id, partitions) in owned)
        {
            if (cluster.FindTopic(id) is { } topic)
            {
                result.UnionWith(partitions.Select(p => (topic.Name, p)));
            }
        }

        return result;
    }

    private List<(Guid, int[])> ById(IEnumerable<(string Topic, int Partition)> assignment) =>
        [.. assignment.GroupBy(p => p.Topic, StringComparer.Ordinal)
            .Select(g => (Topic: cluster.FindTopic(g.Key), Partitions: g.Select(p => p.Partition).Order().ToArray()))
            .Where(t => t.Topic is not null)
            .Select(t => (t.Topic!.TopicId, t.Partitions))];

    private void CleanUp(long nowMs)
    {
        var next = Interlocked.Read(ref _nextCleanupMs);
        if (nowMs < next || Interlocked.CompareExchange(ref _nextCleanupMs, nowMs + (long)StaleAfter.TotalMilliseconds, next) != next)
        {
            return;
        }

        foreach (var (key, state) in _members)
        {
            if (nowMs - state.LastSeenMs > (long)StaleAfter.TotalMilliseconds)
            {
                _members.TryRemove(key, out _);
            }
        }
    }

    private sealed record MemberState(IReadOnlyList<string> Topics, string? Regex, string? InstanceId, int RebalanceTimeoutMs, IReadOnlySet<(string Topic, int Partition)> Owned, HashSet<(string Topic, int Partition)>? LastAssignment, long LastSeenMs);
}
