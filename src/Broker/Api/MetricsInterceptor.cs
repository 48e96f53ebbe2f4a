using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using LogBroker.Broker.Observability;

namespace LogBroker.Broker.Api;

/// <summary>Counts and times every unary call, and counts streaming calls, by API name and outcome.</summary>
public sealed class MetricsInterceptor(BrokerMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            outcome = e.StatusCode.ToString();
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            outcome = "Cancelled"; // the client went away or gave up: not the broker's error
            throw;
        }
        catch (Exception)
        {
            outcome = "error";
            throw;
        }
        finally
        {
            metrics.Request(ApiName(context), outcome, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            metrics.Request(ApiName(context), "stream", Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>"/logbroker.v1.Fetch/Subscribe" becomes "Subscribe".</summary>
    internal static string ApiName(ServerCallContext context) => context.Method[(context.Method.LastIndexOf('/') + 1)..];
}
