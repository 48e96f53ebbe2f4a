using Grpc.Core;
using LogBroker.Protocol.Errors;

namespace LogBroker.Client.Internal;

/// <summary>Turns transport failures into the client's one exception type.</summary>
internal static class RpcErrors
{
    public static LogBrokerException ToLogBroker(this RpcException e, string address) => e.StatusCode switch
    {
        StatusCode.Unavailable => new LogBrokerException(ErrorCode.NetworkException, $"broker {address} is unreachable: {e.Status.Detail}", e),
        StatusCode.DeadlineExceeded => new LogBrokerException(ErrorCode.RequestTimedOut, $"request to {address} timed out", e),
        StatusCode.Cancelled => new LogBrokerException(ErrorCode.NetworkException, $"request to {address} was cancelled: {e.Status.Detail}", e),
        StatusCode.ResourceExhausted => new LogBrokerException(ErrorCode.RecordListTooLarge, $"broker {address} refused the request size: {e.Status.Detail}", e),
        _ => new LogBrokerException(ErrorCode.UnknownServerError, $"broker {address} failed the call ({e.StatusCode}): {e.Status.Detail}", e),
    };

    public static LogBrokerException ToLogBroker(this HttpRequestException e, string address) =>
        new(ErrorCode.NetworkException, $"broker {address} is unreachable: {e.Message}", e);

    public static void ThrowIfError(int code, string message)
    {
        if (code != 0)
        {
            throw new LogBrokerException((ErrorCode)code, message);
        }
    }
}
