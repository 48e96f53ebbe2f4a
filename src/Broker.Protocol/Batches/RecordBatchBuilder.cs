using System.Text;
using System.Buffers.Binary;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Wire;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// Builds one RecordBatch v2 at a time into pooled buffers. Records are encoded straight into the
/// records section behind a reserved header; <see cref="Build"/> compresses the section when asked,
/// fills the header and computes the CRC. Reuse one builder (call <see cref="Reset"/>) to build batch
/// after batch without allocating. Not thread-safe: one owner at a time.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBufferWriter _records;
    private readonly PooledBufferWriter _compressed;
    private int _count;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private bool _built;

    public RecordBatchBuilder(CompressionType compression = CompressionType.None, int initialCapacity = 16 * 1024)
    {
        if (!CompressionCodecs.IsSupported(compression))
        {
            throw new NotSupportedException($"compression '{compression}' is not supported by this build");
        }

        Compression = compression;
        _records = new PooledBufferWriter(initialCapacity);
        _compressed = new PooledBufferWriter(compression == CompressionType.None ? 256 : initialCapacity);
        Reset();
    }

    public CompressionType Compression { get; }

    public int RecordCount => _count;

    /// <summary>Bytes of the batch as built so far, before compression: header plus records.</summary>
    public int UncompressedSizeInBytes => _records.WrittenCount;

    public long BaseTimestamp => _baseTimestamp;

    public long MaxTimestamp => _maxTimestamp;

    public void Reset()
    {
        _records.Clear();
        _records.GetSpan(RecordBatchLayout.HeaderSize)[..RecordBatchLayout.HeaderSize].Clear();
        _records.Advance(RecordBatchLayout.HeaderSize);
        _compressed.Clear();
        _count = 0;
        _baseTimestamp = RecordBatchLayout.NoTimestamp;
        _maxTimestamp = RecordBatchLayout.NoTimestamp;
        _built = false;
    }

    /// <summary>
    /// An upper bound on the bytes a record adds to the batch, for deciding whether it fits before
    /// appending it (deltas are counted at their widest).
    /// </summary>
    public static int MaxRecordSize(int keyLength, int valueLength, ReadOnlySpan<RecordHeader> headers)
    {
        var body = 1 + Varint.MaxInt64Bytes + Varint.MaxInt32Bytes
            + Varint.SizeOfInt32(keyLength) + Math.Max(keyLength, 0)
            + Varint.SizeOfInt32(valueLength) + Math.Max(valueLength, 0)
            + HeadersSize(headers);
        return Varint.MaxInt32Bytes + body;
    }

    /// <summary>Appends a record. A null key or value is passed as an empty span with its flag set.</summary>
    public void Append(
        long timestamp,
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> value,
        ReadOnlySpan<RecordHeader> headers = default,
        bool keyIsNull = false,
        bool valueIsNull = false)
    {
        if (_built)
        {
            throw new InvalidOperationException("the batch was built; call Reset before appending again");
        }

        if (_count == 0)
        {
            _baseTimestamp = timestamp;
            _maxTimestamp = timestamp;
        }
        else if (timestamp > _maxTimestamp)
        {
            _maxTimestamp = timestamp;
        }

        var keyLength = keyIsNull ? -1 : key.Length;
        var valueLength = valueIsNull ? -1 : value.Length;
        var timestampDelta = timestamp - _baseTimestamp;
        var bodySize = 1 + Varint.SizeOfInt64(timestampDelta) + Varint.SizeOfInt32(_count)
            + Varint.SizeOfInt32(keyLength) + Math.Max(keyLength, 0)
            + Varint.SizeOfInt32(valueLength) + Math.Max(valueLength, 0)
            + HeadersSize(headers);
        var total = Varint.SizeOfInt32(bodySize) + bodySize;

        var span = _records.GetSpan(total);
        var pos = Varint.WriteInt32(span, bodySize);
        span[pos++] = 0; // record attributes: unused in v2
        pos += Varint.WriteInt64(span[pos..], timestampDelta);
        pos += Varint.WriteInt32(span[pos..], _count);
        pos += WriteBytes(span[pos..], key, keyLength);
        pos += WriteBytes(span[pos..], value, valueLength);
        pos += Varint.WriteInt32(span[pos..], headers.Length);
        foreach (var header in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            pos += Varint.WriteInt32(span[pos..], keyBytes);
            pos += Encoding.UTF8.GetBytes(header.Key, span[pos..]);
            pos += WriteBytes(span[pos..], header.Value.Span, header.ValueIsNull ? -1 : header.Value.Length);
        }

        _records.Advance(pos);
        _count++;
    }

    /// <summary>
    /// Seals the batch and returns its bytes, which stay valid until <see cref="Reset"/> or
    /// <see cref="Dispose"/>. Base offset and leader epoch are placeholders the broker overwrites.
    /// </summary>
    public ReadOnlyMemory<byte> Build() => Build(BatchProducerFields.None);

    /// <summary>
    /// As <see cref="Build()"/>, with the header fields a producer or the broker chooses: producer id,
    /// epoch, base sequence and the transactional bit (<paramref name="producer"/>), the timestamp type,
    /// and the control bit, which only the broker sets (transaction markers; producers' control batches
    /// are refused).
    /// </summary>
    public ReadOnlyMemory<byte> Build(in BatchProducerFields producer, long baseOffset = 0, int partitionLeaderEpoch = RecordBatchLayout.NoPartitionLeaderEpoch, TimestampType timestampType = TimestampType.CreateTime, bool isControl = false)
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("a batch needs at least one record");
        }

        _built = true;
        PooledBufferWriter output;
        if (Compression == CompressionType.None)
        {
            output = _records;
        }
        else
        {
            _compressed.Clear();
            _compressed.GetSpan(RecordBatchLayout.HeaderSize)[..RecordBatchLayout.HeaderSize].Clear();
            _compressed.Advance(RecordBatchLayout.HeaderSize);
            CompressionCodecs.Get(Compression).Compress(_records.WrittenSpan[RecordBatchLayout.HeaderSize..], _compressed);
            output = _compressed;
        }

        var batch = output.WrittenSpanMutable;
        var fields = producer;
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.BaseOffset..], baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BatchLength..], batch.Length - RecordBatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpoch..], partitionLeaderEpoch);
        batch[RecordBatchLayout.Magic] = RecordBatchLayout.CurrentMagic;
        var attributes = BatchAttributes.Create(Compression, timestampType, fields.IsTransactional, isControl);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.Attributes..], attributes.Value);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.LastOffsetDelta..], _count - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.BaseTimestamp..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestamp..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.ProducerId..], fields.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.ProducerEpoch..], fields.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BaseSequence..], fields.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.RecordsCount..], _count);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchLayout.Crc..], Crc32C.Compute(batch[RecordBatchLayout.CrcStart..]));
        return output.WrittenMemory;
    }

    public void Dispose()
    {
        _records.Dispose();
        _compressed.Dispose();
    }

    private static int HeadersSize(ReadOnlySpan<RecordHeader> headers)
    {
        var size = Varint.SizeOfInt32(headers.Length);
        foreach (var header in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            var valueLength = header.ValueIsNull ? -1 : header.Value.Length;
            size += Varint.SizeOfInt32(keyBytes) + keyBytes + Varint.SizeOfInt32(valueLength) + Math.Max(valueLength, 0);
        }

        return size;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, int length)
    {
        var n = Varint.WriteInt32(destination, length);
        if (length > 0)
        {
            bytes.CopyTo(destination[n..]);
            n += length;
        }

        return n;
    }
}
