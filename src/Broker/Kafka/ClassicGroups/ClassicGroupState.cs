namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>A classic group's state, named as Kafka names them in ListGroups and DescribeGroups.</summary>
public enum ClassicGroupState
{
    /// <summary>No members (committed offsets may remain).</summary>
    Empty,

    /// <summary>Waiting for every member to (re)join before a new generation starts.</summary>
    PreparingRebalance,

    /// <summary>A generation started; waiting for the leader's assignment (SyncGroup).</summary>
    CompletingRebalance,

    /// <summary>Every member has its assignment for the current generation.</summary>
    Stable,

    /// <summary>Removed from the coordinator; whoever still holds it looks it up again.</summary>
    Dead,
}
