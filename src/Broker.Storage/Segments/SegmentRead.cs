namespace LogBroker.Storage.Segments;

/// <summary>
/// Where a read found whole batches in a segment's log (<see cref="Position"/>, <see cref="Length"/>),
/// or the position of a batch whose bytes failed their checks, which is never served.
/// </summary>
internal readonly record struct SegmentRead(long Position, int Length, long CorruptPosition)
{
    public static SegmentRead Empty => new(0, 0, -1);

    public bool IsCorrupt => CorruptPosition >= 0;

    public static SegmentRead Corrupt(long position) => new(0, 0, position);
}
