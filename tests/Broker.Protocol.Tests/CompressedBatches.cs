using System.Buffers.Binary;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Wire;

namespace LogBroker.Protocol.Tests;

/// <summary>Turns an uncompressed batch, damaged or not, into an LZ4 batch of the same records section, with a valid CRC.</summary>
internal static class CompressedBatches
{
    public static byte[] Lz4Of(byte[] uncompressed) => WithRecordsSection(uncompressed, Compress(uncompressed.AsSpan(RecordBatchLayout.HeaderSize)));

    /// <summary>The batch's header (attributes set to LZ4) over <paramref name="section"/>, with batchLength and CRC made to match.</summary>
    public static byte[] WithRecordsSection(byte[] batch, ReadOnlySpan<byte> section)
    {
        var result = new byte[RecordBatchLayout.HeaderSize + section.Length];
        batch.AsSpan(0, RecordBatchLayout.HeaderSize).CopyTo(result);
        section.CopyTo(result.AsSpan(RecordBatchLayout.HeaderSize));
        var attributes = new BatchAttributes(BinaryPrimitives.ReadInt16BigEndian(batch.AsSpan(RecordBatchLayout.Attributes)));
        var lz4 = BatchAttributes.Create(CompressionType.Lz4, attributes.TimestampType, attributes.IsTransactional, attributes.IsControl);
        BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(RecordBatchLayout.Attributes), lz4.Value);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(RecordBatchLayout.BatchLength), result.Length - RecordBatchLayout.LogOverhead);
        Recrc(result);
        return result;
    }

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new PooledBufferWriter();
        Lz4FrameCodec.Instance.Compress(data, output);
        return output.WrittenSpan.ToArray();
    }

    public static void Recrc(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RecordBatchLayout.Crc), Crc32C.Compute(bytes.AsSpan(RecordBatchLayout.CrcStart)));
}
