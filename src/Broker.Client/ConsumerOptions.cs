namespace LogBroker.Client;

/// <summary>Consumer settings, named after Kafka's consumer configs.</summary>
public sealed record ConsumerOptions : ClientOptions
{
    /// <summary>The consumer group to join with <see cref="Consumer.Subscribe(IEnumerable{string})"/>; not needed for <see cref="Consumer.Assign(IEnumerable{TopicPartitionOffset})"/>.</summary>
    public string? GroupId { get; init; }

    /// <summary>Static membership: a consumer restarting with the same instance id gets its partitions back (Kafka's group.instance.id).</summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>A member silent for this long is removed and its partitions move (Kafka's session.timeout.ms).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How long the member may take to hand back revoked partitions before it is removed.</summary>
    public TimeSpan RebalanceTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Commit positions in the background every <see cref="AutoCommitInterval"/>, on revocation and on
    /// close. In the background only records the application is done with are committed: those handed
    /// out before its latest call for the next record (at least once, as Kafka's auto-commit).
    /// </summary>
    public bool EnableAutoCommit { get; init; } = true;

    public TimeSpan AutoCommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    public AutoOffsetReset AutoOffsetReset { get; init; } = AutoOffsetReset.Latest;

    public FetchMode FetchMode { get; init; } = FetchMode.Poll;

    /// <summary>Longest a fetch waits at the broker for <see cref="FetchMinBytes"/> (Kafka's fetch.max.wait.ms).</summary>
    public TimeSpan FetchMaxWait { get; init; } = TimeSpan.FromMilliseconds(500);

    public int FetchMinBytes { get; init; } = 1;

    /// <summary>Limit of one fetch response (at least one batch always comes back).</summary>
    public int FetchMaxBytes { get; init; } = 50 * 1024 * 1024;

    /// <summary>Limit per partition in one fetch (Kafka's max.partition.fetch.bytes).</summary>
    public int MaxPartitionFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>Fetched chunks held ahead of the application; the fetchers wait when it is full.</summary>
    public int PrefetchChunks { get; init; } = 8;

    /// <summary>Check every batch's CRC-32C before handing out its records (Kafka's check.crcs).</summary>
    public bool CheckCrcs { get; init; } = true;

    /// <summary>
    /// Test hook: called with the partitions each fetch request (or push stream) covers, as the fetcher
    /// takes them from the assignment and under its lock, so no revocation can slip in between.
    /// </summary>
    internal Action<IReadOnlyList<LogBroker.Protocol.TopicPartition>>? FetchObserver { get; init; }

    /// <summary>Test hook: called after every commit with what it sent and how it ended.</summary>
    internal Action<Consuming.CommitReport>? CommitObserver { get; init; }

    internal void Validate()
    {
        if (FetchMaxWait < TimeSpan.Zero || FetchMinBytes < 0 || FetchMaxBytes <= 0 || MaxPartitionFetchBytes <= 0 || PrefetchChunks < 1)
        {
            throw new ArgumentException("ConsumerOptions: fetch sizes must be positive, FetchMaxWait and FetchMinBytes not negative, PrefetchChunks at least 1");
        }
    }
}
