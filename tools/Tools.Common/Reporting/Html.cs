using System.Net;

namespace LogBroker.Tools.Reporting;

/// <summary>Text made safe for HTML and SVG markup.</summary>
public static class Html
{
    /// <summary>
    /// Encodes markup characters, and the colon of any <c>://</c> as a character reference: it reads the
    /// same, but the file then never contains a literal URL (the bootstrap address is one), so anyone can
    /// check with a plain search that the report loads nothing from anywhere.
    /// </summary>
    public static string Text(string? text) =>
        WebUtility.HtmlEncode(text ?? string.Empty).Replace("://", "&#58;//", StringComparison.Ordinal);
}
