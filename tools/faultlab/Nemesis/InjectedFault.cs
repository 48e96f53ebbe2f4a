namespace LogBroker.Faultlab.Nemesis;

/// <summary>
/// A fault as it happened: planned and actual start, and the end once healed (a killed broker ready
/// again, a paused one resumed, a disk drained, the network whole), in seconds since the campaign
/// started. <see cref="Problem"/> is set when injecting or healing failed (a broker that did not come back).
/// </summary>
public sealed record InjectedFault(
    int Index,
    FaultKind Kind,
    string Description,
    IReadOnlyList<int> Nodes,
    double PlannedStartSeconds,
    double StartSeconds,
    double EndSeconds,
    IReadOnlyList<string> Notes,
    string? Problem)
{
    public double DurationSeconds => EndSeconds - StartSeconds;
}
