namespace LogBroker.Faultlab.Hosts;

/// <summary>How a command ended: its exit code and what it printed.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>"'ip netns add x' failed (exit 1): RTNETLINK answers: Operation not permitted".</summary>
    public string Failure => $"'{CommandLine}' failed (exit {ExitCode}): {(Stderr.Trim() is { Length: > 0 } e ? e : Stdout.Trim())}";
}
