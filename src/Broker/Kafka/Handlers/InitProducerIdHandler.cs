using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>
/// InitProducerId for idempotent producers. Served only once an <see cref="IProducerIdSource"/> is
/// registered (the broker then also checks producer sequences); until then it is not advertised and
/// clients must produce without idempotence. Transactional ids are refused: no transactions here.
/// </summary>
public sealed class InitProducerIdHandler(IProducerIdSource source) : KafkaApiHandler<InitProducerIdRequest>
{
    public override ApiKey ApiKey => ApiKey.InitProducerId;

    public override short MinVersion => 0;

    public override short MaxVersion => 5;

    public override short FirstFlexibleVersion => 2;

    protected override InitProducerIdRequest Read(ref KafkaReader reader, short version) => InitProducerIdRequest.Read(ref reader, version);

    protected override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, InitProducerIdRequest request, CancellationToken cancellationToken)
    {
        if (request.TransactionalId is not null)
        {
            return new InitProducerIdResponse(ErrorCode.InvalidRequest, -1, -1);
        }

        var (error, producerId, epoch) = await source.InitAsync(request.ProducerId, request.ProducerEpoch, cancellationToken);
        return new InitProducerIdResponse(error, error == ErrorCode.None ? producerId : -1, error == ErrorCode.None ? epoch : (short)-1);
    }
}
