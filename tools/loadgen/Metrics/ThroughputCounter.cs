using System.Runtime.InteropServices;

namespace LogBroker.Loadgen.Metrics;

/// <summary>
/// Records and bytes one worker has seen, and how many of them fell in the warmup, so throughput can be
/// reported for the measured window only. Any thread may add (the client can report deliveries from
/// several threads); the reporter reads. Each instance is padded to its own cache lines so workers on
/// different cores do not slow each other down by sharing one.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
public sealed class ThroughputCounter
{
    [FieldOffset(64)]
    private long _records;

    [FieldOffset(72)]
    private long _bytes;

    [FieldOffset(80)]
    private long _warmupRecords;

    [FieldOffset(88)]
    private long _warmupBytes;

    public long Records => Volatile.Read(ref _records);

    public long Bytes => Volatile.Read(ref _bytes);

    public long MeasuredRecords => Records - Volatile.Read(ref _warmupRecords);

    public long MeasuredBytes => Bytes - Volatile.Read(ref _warmupBytes);

    /// <summary>Counts <paramref name="records"/> records of <paramref name="bytes"/> bytes in all (a batch at once).</summary>
    public void Add(long records, long bytes, bool inWarmup)
    {
        if (inWarmup)
        {
            Interlocked.Add(ref _warmupRecords, records);
            Interlocked.Add(ref _warmupBytes, bytes);
        }

        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _records, records);
    }

    public void Add(long bytes, bool inWarmup)
    {
        if (inWarmup)
        {
            Interlocked.Increment(ref _warmupRecords);
            Interlocked.Add(ref _warmupBytes, bytes);
        }

        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _records);
    }
}
