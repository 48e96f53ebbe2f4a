using System.Globalization;

namespace LogBroker.Faultlab.Hosts;

/// <summary>
/// A process as the kernel knows it: its id and its start time (clock ticks after boot, field 22 of
/// /proc/PID/stat), so a recycled process id is never mistaken for the process it used to name.
/// </summary>
public readonly record struct ProcessIdentity(int ProcessId, long StartTicks)
{
    public static ProcessIdentity Current => Of(Environment.ProcessId) ?? throw new InvalidOperationException("/proc/self/stat is unreadable");

    /// <summary>The process now running under <paramref name="processId"/>, or null when none is.</summary>
    public static ProcessIdentity? Of(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new ProcessIdentity(processId, long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Whether this very process (same id, same start) is still running.</summary>
    public bool IsAlive => Of(ProcessId) == this;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {StartTicks}");

    public static bool TryParse(string text, out ProcessIdentity identity)
    {
        var parts = text.Trim().Split(' ');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var ticks))
        {
            identity = new ProcessIdentity(pid, ticks);
            return true;
        }

        identity = default;
        return false;
    }
}
