namespace LogBroker.Faultlab.Checking;

/// <summary>
/// One second of the campaign: records acknowledged (acks=all, acks=leader), deliveries that failed,
/// records the group consumed, and acknowledgement latency of the records acknowledged in it (ms; null
/// when none was).
/// </summary>
public sealed record TimelinePoint(
    int Second,
    long AckedAll,
    long AckedLeader,
    long Failed,
    long Consumed,
    double? LatencyP50Ms,
    double? LatencyP99Ms,
    double? LatencyMaxMs);
