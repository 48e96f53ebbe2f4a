using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogBroker.Loadgen.Reporting;

/// <summary>Writes the summary, the command line, the machine and the per-second series as JSON (camelCase), for scripts and later comparison.</summary>
public static class JsonReportWriter
{
    public static async Task WriteAsync(RunSummary summary, string path, CancellationToken cancellationToken = default)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, summary, ReportJsonContext.Default.RunSummary, cancellationToken);
    }

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, ReportJsonContext.Default.RunSummary);
}

/// <summary>Source-generated serialisation of <see cref="RunSummary"/>: no reflection at run time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
