namespace LogBroker.Broker.Kafka.Protocol;

/// <summary>
/// A response body, written at the version of its request. A response may hold resources until it is
/// written (a fetch holds the log segments its record sets point into): dispose releases them.
/// </summary>
public abstract class KafkaResponse : IDisposable
{
    public abstract void Write(KafkaResponseWriter writer, short version);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
