using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using static LogBroker.Protocol.Batches.BatchInvalidReason;

namespace LogBroker.Protocol.Batches;

/// <summary>
/// Checks batches before anything trusts them: framing and lengths, magic, CRC-32C, record count
/// against lastOffsetDelta, and for producer batches every record's structure and offset delta.
/// Uncompressed records are walked in place. Compressed ones are expanded into a per-thread pooled
/// buffer and walked there, as Kafka's LogValidator does: a CRC only proves the producer sent what
/// it meant to, so a batch claiming 5 records while holding 3, or a section that does not decompress,
/// would otherwise be stored and handed to every consumer. The records are still written as received.
/// Allocates only to format the message of a failure.
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>
    /// How far a compressed records section may expand, as a multiple of max.message.bytes: the
    /// bound on what validating one batch holds in memory. Producers cap their batches by size
    /// before compressing, so only a decompression bomb comes near it.
    /// </summary>
    public const int MaxExpansionRatio = 64;

    /// <summary>Scratch kept by a thread between validations; one that grew past this goes back to the pool.</summary>
    private const int RetainedScratchBytes = 1 << 20;

    [ThreadStatic]
    private static PooledBufferWriter? t_scratch;

    /// <summary>Validates the batch that starts at the first byte of <paramref name="batch"/>.</summary>
    /// <param name="batch">Bytes starting at the batch's first byte; may run past its end.</param>
    /// <param name="maxBatchBytes">The topic's max.message.bytes.</param>
    /// <param name="mode">Producer input or stored data.</param>
    /// <param name="sizeInBytes">The batch's size when its framing could be read, else 0.</param>
    public static BatchValidationResult Validate(ReadOnlySpan<byte> batch, int maxBatchBytes, BatchValidationMode mode, out int sizeInBytes)
    {
        var framing = ValidateFraming(batch, maxBatchBytes, out sizeInBytes);
        if (!framing.IsValid)
        {
            return framing;
        }

        var view = new RecordBatch(batch[..sizeInBytes]);
        if (view.Magic != RecordBatchLayout.CurrentMagic)
        {
            return Fail(BadMagic, $"batch magic is {view.Magic}; only RecordBatch v2 (magic 2) is supported");
        }

        var computed = view.ComputeCrc();
        if (computed != view.Crc)
        {
            return Fail(BadCrc, $"batch CRC is 0x{view.Crc:x8} but its bytes checksum to 0x{computed:x8}");
        }

        var count = view.RecordsCount;
        var lastOffsetDelta = view.LastOffsetDelta;
        if (count < 0)
        {
            return Fail(NegativeRecordCount, $"batch claims {count} records");
        }

        if (lastOffsetDelta < 0 || lastOffsetDelta < count - 1)
        {
            return Fail(RecordCountMismatch, $"batch holds {count} records but its lastOffsetDelta is {lastOffsetDelta}");
        }

        var compression = view.Compression;
        if (compression > CompressionType.Zstd)
        {
            return Fail(MalformedRecord, $"batch attributes name compression codec {(int)compression}, which does not exist");
        }

        if (mode == BatchValidationMode.Stored)
        {
            return BatchValidationResult.Valid;
        }

        if (count == 0 || lastOffsetDelta != count - 1)
        {
            return Fail(RecordCountMismatch, $"a producer batch must hold lastOffsetDelta + 1 records; it holds {count} with lastOffsetDelta {lastOffsetDelta}");
        }

        if (view.Attributes.IsControl)
        {
            return Fail(ControlBatchFromClient, "control batches are written by the broker, never by producers");
        }

        if (!CompressionCodecs.IsSupported(compression))
        {
            return Fail(UnsupportedCompression, $"compression '{compression}' is not supported by this broker (supported: none, lz4)");
        }

        return compression == CompressionType.None
            ? ValidateRecords(view.RecordsSection, count)
            : ValidateCompressedRecords(view.RecordsSection, compression, count, maxBatchBytes);
    }

    /// <summary>
    /// Validates a run of batches back to back, as a produce request carries them for one partition.
    /// The bytes must end exactly at a batch boundary.
    /// </summary>
    public static BatchValidationResult ValidateAll(ReadOnlySpan<byte> batches, int maxBatchBytes, BatchValidationMode mode, out int batchCount, out int recordCount)
    {
        batchCount = 0;
        recordCount = 0;
        if (batches.IsEmpty)
        {
            return Fail(Truncated, "no record batches were sent");
        }

        while (!batches.IsEmpty)
        {
            var result = Validate(batches, maxBatchBytes, mode, out var size);
            if (!result.IsValid)
            {
                return batchCount == 0 ? result : result with { Message = $"batch {batchCount}: {result.Message}" };
            }

            recordCount += new RecordBatch(batches).RecordsCount;
            batchCount++;
            batches = batches[size..];
        }

        return BatchValidationResult.Valid;
    }

    /// <summary>Checks just the length fields, so a log scan can tell a torn tail from a whole batch.</summary>
    public static BatchValidationResult ValidateFraming(ReadOnlySpan<byte> batch, int maxBatchBytes, out int sizeInBytes)
    {
        sizeInBytes = 0;
        if (!RecordBatch.TryReadFraming(batch, out _, out var size))
        {
            return Fail(Truncated, $"{batch.Length} bytes cannot hold a batch header ({RecordBatchLayout.HeaderSize} bytes)");
        }

        var batchLength = size - RecordBatchLayout.LogOverhead;
        if (batchLength < 0)
        {
            return Fail(NegativeLength, $"batchLength is {batchLength}");
        }

        if (batchLength < RecordBatchLayout.MinBatchLength)
        {
            return Fail(LengthTooSmall, $"batchLength is {batchLength}; a v2 header alone needs {RecordBatchLayout.MinBatchLength}");
        }

        // A length beyond the bytes present is damage, not size: garbage must not read as "too large".
        if (size > batch.Length)
        {
            return Fail(Truncated, $"batchLength says {size} bytes but only {batch.Length} are present");
        }

        if (size > maxBatchBytes)
        {
            return Fail(TooLarge, $"batch is {size} bytes; max.message.bytes is {maxBatchBytes}");
        }

        sizeInBytes = (int)size; // at most batch.Length
        return BatchValidationResult.Valid;
    }

    private static BatchValidationResult ValidateCompressedRecords(ReadOnlySpan<byte> section, CompressionType compression, int count, int maxBatchBytes)
    {
        var limit = (int)Math.Min((long)maxBatchBytes * MaxExpansionRatio, Array.MaxLength);
        var scratch = t_scratch ??= new PooledBufferWriter(64 * 1024);
        try
        {
            scratch.Clear();
            var status = CompressionCodecs.Get(compression).TryDecompress(section, scratch, limit, out var problem);
            return status switch
            {
                DecompressStatus.Ok => ValidateRecords(scratch.WrittenSpan, count),
                DecompressStatus.TooLarge => Fail(DecompressedTooLarge, $"the {compression} records section expands past {limit} bytes ({MaxExpansionRatio} x max.message.bytes)"),
                _ => Fail(MalformedCompression, $"the {compression} records section does not decompress: {problem}"),
            };
        }
        finally
        {
            if (scratch.Capacity > RetainedScratchBytes)
            {
                t_scratch = null;
                scratch.Dispose();
            }
        }
    }

    private static BatchValidationResult ValidateRecords(ReadOnlySpan<byte> records, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (records.IsEmpty)
            {
                return Fail(RecordCountMismatch, $"batch claims {count} records but holds {i}");
            }

            var status = RecordReader.TryRead(records, out var record, out var consumed);
            if (status != RecordReadStatus.Ok)
            {
                return Fail(MalformedRecord, $"record {i} of {count} is malformed ({status})");
            }

            if (record.OffsetDelta != i)
            {
                return Fail(OffsetDeltaOutOfRange, $"record {i} has offset delta {record.OffsetDelta}; a producer batch numbers its records 0..{count - 1}");
            }

            records = records[consumed..];
        }

        return records.IsEmpty
            ? BatchValidationResult.Valid
            : Fail(RecordCountMismatch, $"batch claims {count} records but {records.Length} bytes follow the last of them");
    }

    private static BatchValidationResult Fail(BatchInvalidReason reason, string message) => BatchValidationResult.Fail(reason, message);
}
