using Grpc.Core;

namespace LogBroker.Broker.Api;

internal static class CallContextExtensions
{
    /// <summary>The client connection a call arrived on (Kestrel's connection id).</summary>
    public static string ConnectionId(this ServerCallContext context) =>
        context.GetHttpContext().Connection.Id;
}
