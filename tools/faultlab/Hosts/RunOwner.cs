namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// The owner file of a run (<c>RunDirectory/owner</c>: the faultlab process's id and start time). A run
/// whose owner is still alive is never cleaned up by anyone else; one whose owner is gone (or that has
/// no owner file) is a crashed run's leftovers.
/// </summary>
public static class RunOwner
{
    private const string FileName = "owner";

    /// <summary>
    /// Creates the run directory with this process named its owner, in one step: the directory is made
    /// under a hidden name, the owner file written, then it is renamed into place (so cleanup can never
    /// see a run directory without its owner). Throws <see cref="IOException"/> if the run id is taken.
    /// </summary>
    public static void Claim(RunIdentity run)
    {
        var staging = Path.Combine(RunIdentity.RunsRoot, $".{run.Id}.{Environment.ProcessId}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllText(Path.Combine(staging, FileName), ProcessIdentity.Current.ToString());
            Directory.Move(staging, run.RunDirectory);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>The owner named in the run's owner file, or null when there is none (never claimed, or already cleaned).</summary>
    public static ProcessIdentity? Of(RunIdentity run)
    {
        try
        {
            return ProcessIdentity.TryParse(File.ReadAllText(Path.Combine(run.RunDirectory, FileName)), out var owner) ? owner : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a live process owns the run (its leftovers must then be left alone).</summary>
    public static bool IsOwnedByLiveProcess(RunIdentity run) => Of(run) is { IsAlive: true };
}
