using System.Globalization;
using System.Text.RegularExpressions;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// Picks a /24 in 10.213.0.0/16 that nothing on the machine uses: no interface address and no route
/// in it (other agents' networks, other faultlab runs). Runs pick under a machine-wide lock file, so two
/// runs starting together cannot pick the same one.
/// </summary>
public static partial class SubnetChooser
{
    public const string Range = "10.213";

    /// <summary>The third octets in use, read from every interface address and every route of every table.</summary>
    public static IReadOnlySet<int> InUse(string addresses, string routes)
    {
        var used = new HashSet<int>();
        foreach (Match match in InRange().Matches(addresses + "\n" + routes))
        {
            used.Add(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        return used;
    }

    /// <summary>The first free third octet from 1 to 250, starting at one derived from the run id so concurrent runs spread out.</summary>
    public static int Choose(RunIdentity run, IReadOnlySet<int> used)
    {
        var start = (int)(uint.Parse(run.Id[RunIdentity.Prefix.Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 250);
        for (var i = 0; i < 250; i++)
        {
            var octet = ((start + i) % 250) + 1;
            if (!used.Contains(octet))
            {
                return octet;
            }
        }

        throw new LabException($"every /24 of {Range}.0.0/16 is in use on this machine");
    }

    /// <summary>A free subnet's third octet, reading what is in use with <c>ip</c>.</summary>
    public static async Task<int> ChooseFreeAsync(RunIdentity run)
    {
        var addresses = await CommandRunner.RunCheckedAsync("ip", ["-4", "-o", "addr", "show"]);
        var routes = await CommandRunner.RunCheckedAsync("ip", ["-4", "route", "show", "table", "all"]);
        return Choose(run, InUse(addresses.Stdout, routes.Stdout));
    }

    /// <summary>Holds the machine-wide subnet lock (an exclusive lock on a file) until disposed; waits up to 30 s for it.</summary>
    public static async Task<IDisposable> LockAsync()
    {
        Directory.CreateDirectory(RunIdentity.RunsRoot);
        var path = Path.Combine(RunIdentity.RunsRoot, ".subnet.lock");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix: another run's open fails until this closes.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [GeneratedRegex(@"\b10\.213\.(\d{1,3})\.")]
    private static partial Regex InRange();
}
