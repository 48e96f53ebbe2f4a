using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LogBroker.Broker.Api;

/// <summary>
/// Puts every gRPC request body behind a <see cref="BudgetedBodyReader"/> charged to the call's
/// connection, so request bytes are reserved before they are buffered and released when the call is
/// done with them. Runs after routing (the endpoint says whether the call streams requests), on gRPC
/// requests only.
/// </summary>
public sealed class RequestBudgetMiddleware(RequestDelegate next, InFlightLimiter limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true
            || context.Features.Get<IRequestBodyPipeFeature>() is not { } body)
        {
            await next(context);
            return;
        }

        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type;
        var streamsRequests = method is MethodType.ClientStreaming or MethodType.DuplexStreaming;
        using var scope = limiter.Enter(context.Connection.Id);
        using var reader = new BudgetedBodyReader(body.Reader, scope, streamsRequests, context.RequestAborted);
        context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(reader));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(body);
        }
    }

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
