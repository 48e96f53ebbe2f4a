using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>
/// Everything one producer learnt about its records: each acknowledgement (partition, offset, times)
/// and each final failure. Written from the producer's delivery callbacks (its I/O thread) and the
/// producing loop; read once producing is over. Thread-safe.
/// </summary>
public sealed class AckLog
{
    private readonly Lock _lock = new();
    private readonly List<Ack> _acks = [];
    private readonly List<DeliveryFailure> _failures = [];
    private long _sent;

    /// <summary>Records handed to the producer.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public IReadOnlyList<Ack> Acks
    {
        get
        {
            lock (_lock)
            {
                return [.. _acks];
            }
        }
    }

    public IReadOnlyList<DeliveryFailure> Failures
    {
        get
        {
            lock (_lock)
            {
                return [.. _failures];
            }
        }
    }

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void Acked(Ack ack)
    {
        lock (_lock)
        {
            _acks.Add(ack);
        }
    }

    public void Failed(long sequence, ErrorCode code, long sentMicros, long atMicros)
    {
        lock (_lock)
        {
            _failures.Add(new DeliveryFailure(sequence, code, sentMicros, atMicros));
        }
    }
}
