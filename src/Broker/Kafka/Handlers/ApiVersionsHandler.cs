using LogBroker.Broker.Kafka.Messages;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Kafka.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Kafka.Handlers;

/// <summary>ApiVersions: what a client negotiates against before anything else. An unsupported version is answered by the connection (at v0, with the list).</summary>
public sealed class ApiVersionsHandler(KafkaApiRegistry registry) : KafkaApiHandler<ApiVersionsRequest>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;

    public override short MinVersion => 0;

    public override short MaxVersion => 4;

    public override short FirstFlexibleVersion => 3;

    protected override ApiVersionsRequest Read(ref KafkaReader reader, short version) => ApiVersionsRequest.Read(ref reader, version);

    protected override ValueTask<KafkaResponse?> HandleAsync(KafkaRequestContext context, ApiVersionsRequest request, CancellationToken cancellationToken) =>
        Done(new ApiVersionsResponse(ErrorCode.None, registry.Supported));
}
