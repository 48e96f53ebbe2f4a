using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>A handler that decodes its whole request (checking it ends where its last field does) before serving it.</summary>
public abstract class KafkaApiHandler<TRequest> : IKafkaApiHandler
{
    public abstract ApiKey ApiKey { get; }

    public abstract short MinVersion { get; }

    public abstract short MaxVersion { get; }

    public abstract short FirstFlexibleVersion { get; }

    public virtual bool Pipelined => false;

    public ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext request, CancellationToken cancellationToken)
    {
        var reader = new KafkaReader(request.Body, request.Flexible);
        var decoded = Read(ref reader, request.Version);
        reader.EnsureEnd();
        return HandleAsync(request, decoded, cancellationToken);
    }

    protected abstract TRequest Read(ref KafkaReader reader, short version);

    protected abstract ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, TRequest request, CancellationToken cancellationToken);

    protected static ValueTask<KafkaResponse?> Done(KafkaResponse response) => ValueTask.FromResult<KafkaResponse?>(response);
}
