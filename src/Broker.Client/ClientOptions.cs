using Microsoft.Extensions.Logging;

namespace LogBroker.Client;

/// <summary>Settings every client shares: where the brokers are, timeouts, logging.</summary>
public abstract record ClientOptions
{
    /// <summary>Comma-separated broker gRPC addresses to learn the cluster from.</summary>
    public string BootstrapServers { get; init; } = "http://127.0.0.1:9400";

    /// <summary>How long one request may take before it fails (and, where allowed, is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause before retrying after a retriable error; doubles on each attempt up to <see cref="RetryBackoffMax"/>.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old cached topic metadata may get before it is refreshed in the background, so added
    /// partitions and moved leaders are picked up even when nothing fails (Kafka's metadata.max.age.ms).
    /// </summary>
    public TimeSpan MetadataMaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the client logs (nothing when null).</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal IReadOnlyList<Uri> BootstrapUris() =>
        BootstrapServers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => new Uri(s.Contains("://", StringComparison.Ordinal) ? s : "http://" + s))
            .ToArray() is { Length: > 0 } uris
            ? uris
            : throw new ArgumentException("BootstrapServers names no broker", nameof(BootstrapServers));
}
