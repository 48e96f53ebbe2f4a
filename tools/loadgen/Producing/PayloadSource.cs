using System.Buffers.Binary;

namespace LogBroker.Loadgen.Producing;

/// <summary>
/// One producer's reusable value buffer: random letters, wider than a batch, and each record's value
/// is the next window of it. Values differ within a batch, so compression numbers are not flattered by
/// identical records, and nothing is allocated per record. The first 8 bytes of each window get the
/// send time (little-endian microseconds, see <see cref="Timing.MonotonicClock"/>) just before the
/// record is produced; the client copies the value into its batch during the call, so the window can be
/// reused at once. One thread.
/// </summary>
public sealed class PayloadSource
{
    private const int MinimumSpanBytes = 1024 * 1024;
    private readonly byte[] _buffer;
    private readonly int _recordSize;
    private int _offset;

    /// <param name="recordSize">Value size in bytes.</param>
    /// <param name="batchSize">The producer's batch size: the buffer is at least twice as wide, so a batch never repeats a window.</param>
    public PayloadSource(int recordSize, int batchSize, Random random)
    {
        _recordSize = recordSize;
        _buffer = new byte[Math.Max(MinimumSpanBytes, (2 * batchSize) + recordSize)];
        for (var i = 0; i < _buffer.Length; i++)
        {
            _buffer[i] = (byte)('A' + random.Next(26));
        }
    }

    /// <summary>Whether values are wide enough to carry the send time.</summary>
    public bool CarriesSendTime => _recordSize >= sizeof(long);

    /// <summary>The next value, stamped with <paramref name="sendMicros"/> when it is wide enough.</summary>
    public ReadOnlyMemory<byte> Next(long sendMicros)
    {
        if (_offset + _recordSize > _buffer.Length)
        {
            _offset = 0;
        }

        var start = _offset;
        _offset += _recordSize;
        if (_recordSize >= sizeof(long))
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(start, sizeof(long)), sendMicros);
        }

        return _buffer.AsMemory(start, _recordSize);
    }

    /// <summary>The send time a value of this source carries, or -1 if it is too short to carry one.</summary>
    public static long ReadSendTime(ReadOnlySpan<byte> value) =>
        value.Length >= sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(value) : -1;
}
