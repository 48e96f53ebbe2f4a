using System.Buffers.Binary;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Wire;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// A read-only view of one RecordBatch v2 over bytes that start at its first byte. Fields are read
/// on demand; nothing is copied or allocated. The caller is responsible for having validated the
/// batch (see <see cref="RecordBatchValidator"/>) before trusting its records.
/// </summary>
public readonly ref struct RecordBatch
{
    private readonly ReadOnlySpan<byte> _bytes;

    public RecordBatch(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < RecordBatchLayout.HeaderSize)
        {
            throw new ArgumentException($"a batch needs at least {RecordBatchLayout.HeaderSize} bytes, got {bytes.Length}", nameof(bytes));
        }

        _bytes = bytes;
    }

    /// <summary>The batch's bytes: header and records section, exactly <see cref="SizeInBytes"/> long when the input was.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public long BaseOffset => BinaryPrimitives.ReadInt64BigEndian(_bytes);

    public int BatchLength => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordBatchLayout.BatchLength..]);

    /// <summary>
    /// Whole batch size on disk and on the wire. Summed as a long: a batchLength near
    /// <see cref="int.MaxValue"/> must not wrap to a negative size; such a length (possible only in
    /// a batch that was never validated) throws <see cref="OverflowException"/> rather than
    /// yielding a size that passes range checks.
    /// </summary>
    public int SizeInBytes => checked((int)(RecordBatchLayout.LogOverhead + (long)BatchLength));

    public int PartitionLeaderEpoch => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordBatchLayout.PartitionLeaderEpoch..]);

    public byte Magic => _bytes[RecordBatchLayout.Magic];

    public uint Crc => BinaryPrimitives.ReadUInt32BigEndian(_bytes[RecordBatchLayout.Crc..]);

    public BatchAttributes Attributes => new(BinaryPrimitives.ReadInt16BigEndian(_bytes[RecordBatchLayout.Attributes..]));

    public int LastOffsetDelta => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordBatchLayout.LastOffsetDelta..]);

    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset the next batch after this one starts at.</summary>
    public long NextOffset => LastOffset + 1;

    public long BaseTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[RecordBatchLayout.BaseTimestamp..]);

    public long MaxTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[RecordBatchLayout.MaxTimestamp..]);

    public long ProducerId => BinaryPrimitives.ReadInt64BigEndian(_bytes[RecordBatchLayout.ProducerId..]);

    public short ProducerEpoch => BinaryPrimitives.ReadInt16BigEndian(_bytes[RecordBatchLayout.ProducerEpoch..]);

    public int BaseSequence => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordBatchLayout.BaseSequence..]);

    public int RecordsCount => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordBatchLayout.RecordsCount..]);

    public CompressionType Compression => Attributes.Compression;

    /// <summary>The records section as stored: compressed when <see cref="Compression"/> is not None.</summary>
    public ReadOnlySpan<byte> RecordsSection => _bytes[RecordBatchLayout.HeaderSize..SizeInBytes];

    /// <summary>CRC-32C of the bytes the header's CRC covers.</summary>
    public uint ComputeCrc() => Crc32C.Compute(_bytes[RecordBatchLayout.CrcStart..SizeInBytes]);

    public bool IsCrcValid => ComputeCrc() == Crc;

    /// <summary>Records of an uncompressed batch, read in place.</summary>
    public RecordEnumerator GetRecords()
    {
        if (Compression != CompressionType.None)
        {
            throw new InvalidOperationException("the batch is compressed: use GetRecords(scratch)");
        }

        return new RecordEnumerator(RecordsSection, BaseOffset, BaseTimestamp, RecordsCount, LogAppendTimeOrNone);
    }

    /// <summary>
    /// Records of the batch; a compressed records section is expanded into <paramref name="scratch"/>
    /// (cleared first), which must outlive the enumeration. Throws <see cref="InvalidDataException"/>
    /// when the compressed block is malformed.
    /// </summary>
    public RecordEnumerator GetRecords(PooledBufferWriter scratch)
    {
        if (Compression == CompressionType.None)
        {
            return GetRecords();
        }

        scratch.Clear();
        CompressionCodecs.Get(Compression).Decompress(RecordsSection, scratch);
        return new RecordEnumerator(scratch.WrittenSpan, BaseOffset, BaseTimestamp, RecordsCount, LogAppendTimeOrNone);
    }

    private long LogAppendTimeOrNone =>
        Attributes.TimestampType == TimestampType.LogAppendTime ? MaxTimestamp : RecordBatchLayout.NoTimestamp;

    /// <summary>
    /// Reads just the fields needed to walk a log, base offset and whole size, from a header prefix.
    /// The size is a long because it is 12 plus an untrusted int32; it may be negative or larger
    /// than the bytes present, which the caller checks.
    /// </summary>
    public static bool TryReadFraming(ReadOnlySpan<byte> bytes, out long baseOffset, out long sizeInBytes)
    {
        if (bytes.Length < RecordBatchLayout.LogOverhead)
        {
            baseOffset = 0;
            sizeInBytes = 0;
            return false;
        }

        baseOffset = BinaryPrimitives.ReadInt64BigEndian(bytes);
        sizeInBytes = RecordBatchLayout.LogOverhead + (long)BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatchLayout.BatchLength..]);
        return true;
    }
}
