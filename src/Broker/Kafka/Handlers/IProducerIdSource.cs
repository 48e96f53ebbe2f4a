using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// Where idempotent producers get their ids and epochs (Kafka's InitProducerId): the controller's
/// producer-id blocks once they exist. Given <paramref name="producerId"/> and <paramref name="epoch"/>
/// of a producer that already has one, the source bumps the epoch (or refuses with
/// INVALID_PRODUCER_EPOCH / UNKNOWN_PRODUCER_ID).
/// </summary>
public interface IProducerIdSource
{
    ValueTask<(ErrorCode Error, long ProducerId, short Epoch)> InitAsync(long producerId, short epoch, CancellationToken cancellationToken);
}
