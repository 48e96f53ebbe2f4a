namespace LogBroker.Loadgen.Consuming;

/// <summary>
/// The part of one partition a consumer reads: from <see cref="StartOffset"/> up to (not including)
/// <see cref="EndOffset"/>, which is <see cref="Unknown"/> until the producers of an e2e run are done.
/// </summary>
public readonly record struct PartitionRange(int Partition, long StartOffset, long EndOffset)
{
    public const long Unknown = long.MaxValue;

    public long Length => EndOffset == Unknown ? -1 : Math.Max(0, EndOffset - StartOffset);
}
