using Grpc.AspNetCore.Server.Model;
using LogBroker.Protocol.Framing;

namespace LogBroker.Broker.Api;

/// <summary>
/// Binds the Fetch service's framed methods (<see cref="FramedFetchMethods"/>) beside the ones
/// generated from fetch.proto. Another framed RPC is bound the same way: a provider for its service
/// that adds its <see cref="Grpc.Core.Method{TRequest,TResponse}"/> with a handler.
/// </summary>
internal sealed class FramedFetchMethodProvider : IServiceMethodProvider<FetchService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<FetchService> context)
    {
        context.AddUnaryMethod(FramedFetchMethods.FetchRecords, [], static (service, request, call) => service.FetchRecords(request, call));
        context.AddServerStreamingMethod(FramedFetchMethods.SubscribeRecords, [], static (service, request, stream, call) => service.SubscribeRecords(request, stream, call));
    }
}
