using System.Text;
using LogBroker.Protocol.Partitioning;

namespace LogBroker.Loadgen.Producing;

/// <summary>
/// The distinct keys of a run, built once and shared read-only by all producers: fixed-width ASCII
/// (<c>key-0042</c>) back to back in one array, so handing one out is a slice, and each key's partition
/// computed once with Kafka's murmur2 partitioner, exactly as the client would.
/// </summary>
public sealed class KeySpace
{
    /// <summary>More keys than this is a typo more often than a plan, and costs ~20 bytes each.</summary>
    public const int MaxKeys = 10_000_000;

    private readonly byte[] _bytes;
    private readonly int[] _partitions;
    private readonly int _width;

    public KeySpace(int count, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxKeys);
        var digits = (count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        _width = "key-".Length + digits;
        _bytes = new byte[count * _width];
        _partitions = new int[count];
        for (var i = 0; i < count; i++)
        {
            var key = _bytes.AsSpan(i * _width, _width);
            Encoding.ASCII.GetBytes("key-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0'), key);
            _partitions[i] = DefaultPartitioner.PartitionForKey(key, partitionCount);
        }
    }

    public int Count => _partitions.Length;

    public ReadOnlyMemory<byte> Key(int index) => _bytes.AsMemory(index * _width, _width);

    public int PartitionOf(int index) => _partitions[index];
}
