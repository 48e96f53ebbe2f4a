namespace LogBroker.Broker.Partitions;

/// <summary>When a produce is acknowledged: never, once the leader appended, or once the high watermark passed it (every in-sync replica has it).</summary>
public enum RequiredAcks
{
    None,
    Leader,
    All,
}
