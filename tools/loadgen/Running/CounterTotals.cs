namespace LogBroker.Loadgen.Running;

/// <summary>Every worker's counters summed at one instant; "measured" ones leave out the warmup.</summary>
public readonly record struct CounterTotals(
    long Sent,
    long Acked,
    long AckedBytes,
    long Failed,
    long MeasuredAcked,
    long MeasuredAckedBytes,
    long Consumed,
    long ConsumedBytes,
    long MeasuredConsumed,
    long MeasuredConsumedBytes)
{
    public long InFlight => Sent - Acked - Failed;
}
