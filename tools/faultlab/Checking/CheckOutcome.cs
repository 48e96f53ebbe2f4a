namespace LogBroker.Faultlab.Checking;

/// <summary>
/// One check of the campaign: its name as the summary line prints it, how many times the promise was
/// broken, whether that fails the campaign (a measured-only figure, such as duplicates of a producer
/// that is not idempotent, does not), what the check means, and the first few cases.
/// </summary>
public sealed record CheckOutcome(string Name, long Count, bool FailsCampaign, string Meaning, IReadOnlyList<string> Examples)
{
    public bool Failed => FailsCampaign && Count > 0;
}
