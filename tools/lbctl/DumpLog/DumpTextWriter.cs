using System.Globalization;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>The dump for people, one line per batch and per record, in the spirit of Kafka's kafka-dump-log.</summary>
internal sealed class DumpTextWriter(TextWriter output) : IDumpWriter
{
    public void Begin(string path, long? segmentBaseOffset, long fileSize)
    {
        output.WriteLine($"Dumping {path} ({fileSize} bytes)");
        if (segmentBaseOffset is { } baseOffset)
        {
            output.WriteLine($"Log starting offset: {baseOffset}");
        }
    }

    public void Batch(ScannedBatch b)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"baseOffset: {b.BaseOffset} lastOffset: {b.LastOffset} count: {b.RecordsCount} position: {b.Position} size: {b.Size} leaderEpoch: {b.PartitionLeaderEpoch} magic: {b.Magic} crc: 0x{b.Crc:x8} crcValid: {Bool(b.CrcValid)} compression: {b.Compression.ToString().ToLowerInvariant()} timestampType: {b.TimestampType} baseTimestamp: {b.BaseTimestamp} maxTimestamp: {b.MaxTimestamp} ({Formats.Timestamp(b.MaxTimestamp)}) producerId: {b.ProducerId} producerEpoch: {b.ProducerEpoch} baseSequence: {b.BaseSequence} isTransactional: {Bool(b.IsTransactional)} isControl: {Bool(b.IsControl)}"));
        if (b.Problem is not null)
        {
            output.WriteLine($"  DAMAGED: {b.Problem}");
        }

        foreach (var r in b.Records ?? [])
        {
            var headers = string.Join(',', r.Headers.Select(h => $"{h.Key}={h.Value ?? "null"}"));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| offset: {r.Offset} timestamp: {r.Timestamp} ({Formats.Timestamp(r.Timestamp)}) keySize: {r.KeySize} valueSize: {r.ValueSize} key: {r.Key ?? "null"} value: {r.Value ?? "null"} headers: [{headers}]"));
        }

        if (b.RecordsProblem is not null)
        {
            output.WriteLine($"  DAMAGED: records cannot be read: {b.RecordsProblem}");
        }
    }

    public void End(ScanEnd end, DumpSummary summary)
    {
        output.WriteLine(end.Kind switch
        {
            ScanEndKind.PreallocatedSpace => $"End of data at position {end.Position} ({end.BytesAfter} bytes of pre-allocated space follow)",
            ScanEndKind.TornTail => $"TORN TAIL at position {end.Position}: {end.Reason} ({end.BytesAfter} bytes not read)",
            ScanEndKind.ZeroedGap => $"ZEROED GAP at position {end.Position}: {end.Reason} ({end.BytesAfter} bytes not read)",
            _ => $"End of file at position {end.Position}",
        });
        var offsets = summary.FirstOffset is { } first ? $", offsets {first}..{summary.LastOffset}" : string.Empty;
        output.WriteLine($"{summary.Batches} batch(es), {summary.Records} record(s){offsets}; damaged batches: {summary.DamagedBatches}");
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
