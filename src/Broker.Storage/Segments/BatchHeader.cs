using System.Buffers.Binary;
using LogBroker.Protocol.Batches;

namespace LogBroker.Storage.Segments;

/// <summary>
/// The header fields a log walk needs, read from the first bytes of a stored batch. Walking a log
/// reads only these 61 bytes per batch; the records are never touched.
/// </summary>
internal readonly record struct BatchHeader(long BaseOffset, int SizeInBytes, int LastOffsetDelta, long MaxTimestamp, int PartitionLeaderEpoch)
{
    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    /// <summary>
    /// Reads the header at the start of <paramref name="bytes"/> if its framing is plausible: a length
    /// that holds a header, fits in <paramref name="available"/> bytes, magic 2, a non-negative
    /// lastOffsetDelta and a base offset at or past <paramref name="minBaseOffset"/>. A pre-allocated
    /// tail of zeros or a torn write fails these checks; the CRC is checked elsewhere.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, long available, long minBaseOffset, out BatchHeader header)
    {
        header = default;
        if (bytes.Length < RecordBatchLayout.HeaderSize || available < RecordBatchLayout.HeaderSize)
        {
            return false;
        }

        var baseOffset = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var batchLength = BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatchLayout.BatchLength..]);
        var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatchLayout.LastOffsetDelta..]);
        if (batchLength < RecordBatchLayout.MinBatchLength
            || RecordBatchLayout.LogOverhead + (long)batchLength > available
            || bytes[RecordBatchLayout.Magic] != RecordBatchLayout.CurrentMagic
            || lastOffsetDelta < 0
            || baseOffset < minBaseOffset)
        {
            return false;
        }

        header = new BatchHeader(
            baseOffset,
            RecordBatchLayout.LogOverhead + batchLength,
            lastOffsetDelta,
            BinaryPrimitives.ReadInt64BigEndian(bytes[RecordBatchLayout.MaxTimestamp..]),
            BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatchLayout.PartitionLeaderEpoch..]));
        return true;
    }
}
