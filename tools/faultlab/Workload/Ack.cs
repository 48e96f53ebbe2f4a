namespace LogBroker.Faultlab.Workload;

/// <summary>A record the broker acknowledged: where it was stored, when it was sent and acknowledged (microseconds since the campaign started).</summary>
public readonly record struct Ack(long Sequence, int Partition, long Offset, long SentMicros, long AckMicros)
{
    public long LatencyMicros => AckMicros - SentMicros;
}
