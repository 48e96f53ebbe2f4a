namespace LogBroker.Broker.Groups;

/// <summary>Group coordination settings (Kafka's group.consumer.* and offsets.topic.* broker configs).</summary>
public sealed record GroupCoordinatorOptions
{
    /// <summary>Partitions of __consumer_offsets (Kafka's offsets.topic.num.partitions).</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    public int OffsetsTopicSegmentBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>Longest a heartbeat is held waiting for a change; also the interval members are told.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan MinSessionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often silent members and overdue revocations are looked for.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a change of group state may take to reach the ISR of its offsets partition before the request fails (offsets.commit.timeout.ms).</summary>
    public TimeSpan ReplicationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest metadata string stored with a committed offset.</summary>
    public int MaxOffsetMetadataBytes { get; init; } = 4096;
}
