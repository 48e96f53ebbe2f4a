using LogBroker.Broker.Kafka.Messages;

namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>
/// One member of a classic group: what it joined with (protocols and their subscription metadata),
/// its timeouts, its assignment for the current generation, and the join or sync call it has parked
/// at the coordinator, if any. Mutated only under its group's lock.
/// </summary>
internal sealed class ClassicMember(string memberId)
{
    public string MemberId { get; } = memberId;

    public string? InstanceId { get; set; }

    public string ClientId { get; set; } = string.Empty;

    public string ClientHost { get; set; } = string.Empty;

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public string ProtocolType { get; set; } = string.Empty;

    public IReadOnlyList<JoinGroupProtocol> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    public long LastHeartbeatMs { get; set; }

    /// <summary>Set while its JoinGroup waits for the rebalance to complete.</summary>
    public TaskCompletionSource<JoinGroupResult>? JoinWaiter { get; set; }

    /// <summary>Set while its SyncGroup waits for the leader's assignment.</summary>
    public TaskCompletionSource<SyncGroupResult>? SyncWaiter { get; set; }

    /// <summary>A member with a parked call is alive whatever its heartbeats say: it is waiting on us.</summary>
    public bool IsAlive(long nowMs) => JoinWaiter is not null || SyncWaiter is not null || nowMs - LastHeartbeatMs < SessionTimeoutMs;

    public byte[] MetadataFor(string? protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? [];
}
