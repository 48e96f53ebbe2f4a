using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Protocol.Errors;

namespace LogBroker.Storage.Log;

/// <summary>
/// The produce-path check of a compacted topic: every record must carry a key, since compaction keeps
/// the latest value per key and has nothing to keep a keyless record by (Kafka refuses such batches
/// too). Uncompressed records are read in place. A compressed records section is expanded into one
/// pooled buffer per call: the one place the broker decompresses on the produce path, which DESIGN
/// allows because compaction must read keys. Nothing is allocated per record.
/// </summary>
internal static class CompactedRecordKeys
{
    /// <summary>Null when every record of the already validated <paramref name="batches"/> has a key; otherwise the error to return.</summary>
    public static (ErrorCode Error, string Message)? Check(ReadOnlySpan<byte> batches, string topic)
    {
        PooledBufferWriter? scratch = null;
        try
        {
            var index = 0;
            while (!batches.IsEmpty)
            {
                var batch = new RecordBatch(batches);
                if (batch.Compression != CompressionType.None)
                {
                    scratch ??= new PooledBufferWriter(batch.SizeInBytes * 2);
                }

                try
                {
                    foreach (var record in scratch is null ? batch.GetRecords() : batch.GetRecords(scratch))
                    {
                        if (record.KeyIsNull)
                        {
                            return (ErrorCode.InvalidRecord, $"compacted topic '{topic}' requires a key on every record; batch {index} has a record without one at offset delta {record.Offset - batch.BaseOffset}");
                        }
                    }
                }
                catch (InvalidDataException e)
                {
                    return (ErrorCode.CorruptMessage, $"batch {index}: its compressed records cannot be read: {e.Message}");
                }

                batches = batches[batch.SizeInBytes..];
                index++;
            }

            return null;
        }
        finally
        {
            scratch?.Dispose();
        }
    }
}
