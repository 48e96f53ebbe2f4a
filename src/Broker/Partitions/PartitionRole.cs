namespace LogBroker.Broker.Partitions;

/// <summary>What this broker's replica of a partition is doing, as the metadata last said.</summary>
public enum PartitionRole
{
    /// <summary>Known but not yet told its role (or the partition has no leader).</summary>
    None,

    /// <summary>Takes produce and consumer fetches, tracks followers, keeps the high watermark.</summary>
    Leader,

    /// <summary>Copies the leader's log; refuses clients.</summary>
    Follower,
}
