namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>Kafka's API keys, as numbered in its protocol; only those this listener knows by name.</summary>
public enum ApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    DescribeGroups = 15,
    ListGroups = 16,
    ApiVersions = 18,
    CreateTopics = 19,
    DeleteTopics = 20,
    InitProducerId = 22,
    OffsetForLeaderEpoch = 23,
    DescribeConfigs = 32,
    CreatePartitions = 37,
    DeleteGroups = 42,
    IncrementalAlterConfigs = 44,
    ConsumerGroupHeartbeat = 68,
}
