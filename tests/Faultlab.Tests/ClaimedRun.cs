using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Tests;

/// <summary>A run id this test process owns (as a campaign claims one), its run directory deleted on dispose.</summary>
public sealed class ClaimedRun : IDisposable
{
    public ClaimedRun()
    {
        Run = RunIdentity.New();
        RunOwner.Claim(Run);
    }

    public RunIdentity Run { get; }

    public void Dispose()
    {
        if (Directory.Exists(Run.RunDirectory))
        {
            Directory.Delete(Run.RunDirectory, recursive: true);
        }
    }
}
