namespace LogBroker.Lbctl.Cli;

/// <summary>Checks --bootstrap up front, so a typo is a usage error rather than a failure deep in the client.</summary>
internal static class BootstrapAddress
{
    /// <summary>Throws <see cref="UsageException"/> unless every comma-separated entry is an http(s) URL or host:port.</summary>
    public static void Validate(string bootstrap)
    {
        var entries = bootstrap.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
        {
            throw new UsageException("--bootstrap names no broker");
        }

        foreach (var entry in entries)
        {
            // The client reads "host:port" as http://host:port; accept exactly what it accepts.
            var candidate = entry.Contains("://", StringComparison.Ordinal) ? entry : "http://" + entry;
            if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
            {
                throw new UsageException($"--bootstrap: '{entry}' is not a broker address (expected e.g. http://127.0.0.1:9400)");
            }
        }
    }
}
