using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogBroker.Faultlab.Reporting;

/// <summary>Writes the whole <see cref="CampaignReport"/> as JSON (camelCase, enums by name), for scripts and for comparing runs.</summary>
public static class JsonReportWriter
{
    public static async Task WriteAsync(CampaignReport report, string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, CampaignReportJsonContext.Default.CampaignReport);
    }

    public static string Serialize(CampaignReport report) => JsonSerializer.Serialize(report, CampaignReportJsonContext.Default.CampaignReport);
}

/// <summary>Source-generated serialisation of <see cref="CampaignReport"/>: no reflection at run time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CampaignReport))]
internal sealed partial class CampaignReportJsonContext : JsonSerializerContext;
