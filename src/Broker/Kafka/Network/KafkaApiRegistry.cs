using LogBroker.Broker.Kafka.Handlers;
using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// The APIs this listener serves, by key, and the version ranges ApiVersions advertises. ApiVersions
/// itself is always served. Immutable after construction.
/// </summary>
public sealed class KafkaApiRegistry
{
    private readonly IKafkaApiHandler?[] _handlers = new IKafkaApiHandler?[short.MaxValue + 1];

    public KafkaApiRegistry(IEnumerable<IKafkaApiHandler> handlers)
    {
        foreach (var handler in handlers.Append(new ApiVersionsHandler(this)))
        {
            if (_handlers[(short)handler.ApiKey] is not null)
            {
                throw new InvalidOperationException($"two handlers for Kafka API {handler.ApiKey}");
            }

            _handlers[(short)handler.ApiKey] = handler;
        }

        Supported = [.. _handlers.OfType<IKafkaApiHandler>().Select(h => new ApiVersionRange(h.ApiKey, h.MinVersion, h.MaxVersion))];
    }

    public IReadOnlyList<ApiVersionRange> Supported { get; }

    public IKafkaApiHandler? Find(ApiKey key) => key >= 0 ? _handlers[(short)key] : null;

    public bool IsFlexible(ApiKey key, short version) => Find(key) is { } handler && version >= handler.FirstFlexibleVersion;
}
