using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// One batch found in a segment file, every header field as stored, with the verdicts: whether the
/// CRC holds, whether the batch passes the broker's own checks for stored data (<see cref="Problem"/>
/// says why not), and, when records were decoded, whether they could be.
/// </summary>
internal sealed record ScannedBatch(
    long Position,
    long BaseOffset,
    long LastOffset,
    int RecordsCount,
    int Size,
    int BatchLength,
    int PartitionLeaderEpoch,
    byte Magic,
    uint Crc,
    bool CrcValid,
    bool Valid,
    string? Problem,
    CompressionType Compression,
    TimestampType TimestampType,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    bool IsTransactional,
    bool IsControl,
    IReadOnlyList<ScannedRecord>? Records,
    string? RecordsProblem)
{
    /// <summary>Anything wrong with this batch: a failed check, or records that could not be read.</summary>
    public bool IsDamaged => !Valid || RecordsProblem is not null;

    /// <summary>Reads the batch that is exactly <paramref name="bytes"/> (its framing already checked), found at <paramref name="position"/>.</summary>
    public static ScannedBatch Read(ReadOnlyMemory<byte> bytes, long position, bool decodeRecords)
    {
        var view = new RecordBatch(bytes.Span);
        var verdict = RecordBatchValidator.Validate(bytes.Span, int.MaxValue, BatchValidationMode.Stored, out _);
        string? recordsProblem = null;
        var records = decodeRecords ? DecodeRecords(bytes, out recordsProblem) : null;
        var attributes = view.Attributes;
        return new ScannedBatch(
            position,
            view.BaseOffset,
            view.LastOffset,
            view.RecordsCount,
            view.SizeInBytes,
            view.BatchLength,
            view.PartitionLeaderEpoch,
            view.Magic,
            view.Crc,
            view.IsCrcValid,
            verdict.IsValid,
            verdict.Message,
            attributes.Compression,
            attributes.TimestampType,
            view.BaseTimestamp,
            view.MaxTimestamp,
            view.ProducerId,
            view.ProducerEpoch,
            view.BaseSequence,
            attributes.IsTransactional,
            attributes.IsControl,
            records,
            recordsProblem);
    }

    /// <summary>
    /// Decodes every record, decompressing if needed. Also tried on a batch that failed its checks,
    /// as Kafka's dump tool does: what can be read may show what the damage hit. Stops at the first
    /// record that cannot be read and says why.
    /// </summary>
    private static List<ScannedRecord> DecodeRecords(ReadOnlyMemory<byte> bytes, out string? problem)
    {
        problem = null;
        var records = new List<ScannedRecord>();
        try
        {
            var cursor = RecordCursor.ForBatch(bytes);
            while (cursor.MoveNext(out var record))
            {
                records.Add(ScannedRecord.From(record));
            }
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            problem = e.Message;
        }

        return records;
    }
}
