using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Network;

/// <summary>
/// Serves one Kafka API at the versions it names. Handlers are singletons, called concurrently from
/// every connection.
/// </summary>
public interface IKafkaApiHandler
{
    ApiKey ApiKey { get; }

    short MinVersion { get; }

    short MaxVersion { get; }

    /// <summary>The first flexible version (tagged fields, compact encodings, request header v2); <see cref="short.MaxValue"/> if none is.</summary>
    short FirstFlexibleVersion { get; }

    /// <summary>
    /// True when every effect of a request (an append, for one) happens before <see cref="HandleAsync"/>
    /// first yields, and what follows is only waiting (for data to fetch, for acknowledgements): the
    /// connection then reads and starts its next request meanwhile. Other requests are handled one at
    /// a time per connection, as Kafka's broker handles them, so a client sees its requests take
    /// effect in the order it sent them.
    /// </summary>
    bool Pipelined { get; }

    /// <summary>The response, or null when none is sent (a produce with acks=0). A malformed body throws <see cref="KafkaProtocolException"/>.</summary>
    ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext request, CancellationToken cancellationToken);
}
