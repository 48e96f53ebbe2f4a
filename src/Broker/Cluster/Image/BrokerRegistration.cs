namespace LogBroker.Broker.Cluster.Image;

/// <summary>
/// A broker as the metadata log knows it. <see cref="BrokerEpoch"/> is the index of the entry that
/// registered this incarnation: a broker's requests to the controller carry it, and one from an older
/// incarnation is refused. A fenced broker leads nothing and is in no ISR; a broker shutting down
/// gets no new leaderships.
/// </summary>
public sealed record BrokerRegistration(
    int NodeId,
    long BrokerEpoch,
    string Address,
    string Rack,
    string IncarnationId,
    bool PreviousShutdownClean,
    bool Fenced,
    bool ShuttingDown,
    string KafkaEndpoint = "")
{
    /// <summary>May lead partitions and join ISRs.</summary>
    public bool IsActive => !Fenced && !ShuttingDown;

    public string State => Fenced ? "fenced" : ShuttingDown ? "shutting-down" : "alive";
}
