using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogBroker.Lbctl.Output;

/// <summary>
/// The JSON lbctl writes for scripts: camelCase names, enums as camelCase strings, nulls written
/// (a field is always present, so its absence never has to be guessed at). Documents are indented;
/// record streams (consume) are one compact object per line. Output goes to terminals, files and
/// pipes, never into HTML, so quotes and non-ASCII text stay readable instead of \uXXXX-escaped.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Document = Create(indented: true);

    public static readonly JsonSerializerOptions Line = Create(indented: false);

    /// <summary>The escaping every lbctl JSON writer uses (see the type summary).</summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static void WriteDocument<T>(TextWriter writer, T document) => writer.WriteLine(JsonSerializer.Serialize(document, Document));

    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Line));

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = indented,
        Encoder = Encoder,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
