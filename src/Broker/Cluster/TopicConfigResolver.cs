using LogBroker.Broker.Cluster.Image;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Cluster;

/// <summary>A topic's effective config: the broker's defaults with the topic's own overrides on top.</summary>
public sealed class TopicConfigResolver(LogConfig defaults)
{
    public LogConfig Defaults { get; } = defaults;

    public LogConfig Resolve(TopicImage topic) => Resolve(topic.ConfigOverrides, topic.Name);

    public LogConfig Resolve(IReadOnlyDictionary<string, string> overrides, string topic) =>
        TopicConfigKeys.TryApply(Defaults, overrides, out var config, out var error)
            ? config
            : throw new InvalidOperationException($"stored configs of topic '{topic}' no longer validate: {error}");

    public bool TryResolve(IReadOnlyDictionary<string, string> overrides, out LogConfig config, out string? error) =>
        TopicConfigKeys.TryApply(Defaults, overrides, out config, out error);
}
