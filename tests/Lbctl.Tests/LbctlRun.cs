using System.Text.Json;

namespace LogBroker.Lbctl.Tests;

/// <summary>What one in-process run of lbctl did: its exit code and everything it wrote.</summary>
public sealed record LbctlRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout as the one JSON document --output json promises.</summary>
    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;

    /// <summary>Stdout as JSON lines (consume --format json).</summary>
    public List<JsonElement> JsonLines() =>
        [.. Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    public string[] Lines() => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
