namespace LogBroker.Broker.Kafka.ClassicGroups;

/// <summary>Bounds of the classic group protocol, as Kafka's group.* broker settings.</summary>
public sealed record ClassicGroupOptions
{
    /// <summary>How long the first rebalance of an empty group waits for more members (group.initial.rebalance.delay.ms).</summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan MinSessionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often deadlines (rebalance, sync, sessions) are checked.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
