namespace LogBroker.Faultlab.Checking;

/// <summary>
/// One partition as the final replay read it back from its leader, from offset 0 to the end offset it
/// had once producing was over: the record at each offset (null where the value was not faultlab's),
/// and every batch's fingerprint for the byte comparison with the stored replicas.
/// </summary>
public sealed class ReplayedPartition(int partition, long endOffset)
{
    public int Partition => partition;

    /// <summary>The high watermark the replay read up to (exclusive).</summary>
    public long EndOffset => endOffset;

    /// <summary>The record at each offset read, index = offset.</summary>
    public List<Workload.RecordId?> Records { get; } = [];

    public List<BatchFingerprint> Batches { get; } = [];

    /// <summary>Why the replay stopped short of <see cref="EndOffset"/>, or null when it read everything.</summary>
    public string? Incomplete { get; set; }
}
