namespace LogBroker.Broker.Cluster.Quorum;

/// <summary>
/// What the watchdog reads of one engine incarnation at one moment. <paramref name="Incarnation"/>
/// tells a rebuilt member from the one before it; ticks are <see cref="Environment.TickCount64"/> (ms).
/// </summary>
internal readonly record struct MemberProgress(
    long Incarnation,
    long AppliedIndex,
    long CommitIndex,
    int? LeaderId,
    bool IsLeader,
    long LastLeaderContactTicks,
    Exception? LogFault);
