using LogBroker.Protocol.Errors;

namespace LogBroker.Client;

/// <summary>
/// The one exception the client raises for broker-reported and transport failures: the error code
/// (Kafka's numbering), whether retrying can help, and a message a person can act on.
/// </summary>
public class LogBrokerException : Exception
{
    public LogBrokerException()
        : this(ErrorCode.UnknownServerError, "unknown error")
    {
    }

    public LogBrokerException(string message)
        : this(ErrorCode.UnknownServerError, message)
    {
    }

    public LogBrokerException(string message, Exception innerException)
        : this(ErrorCode.UnknownServerError, message, innerException)
    {
    }

    public LogBrokerException(ErrorCode code, string message, Exception? innerException = null)
        : base($"{code}: {message}", innerException)
    {
        Code = code;
    }

    public ErrorCode Code { get; }

    public bool IsRetriable => Code.IsRetriable();
}
