using System.Text;
using LogBroker.Protocol.Batches;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>One record of a dumped batch: sizes are -1 for a null key or value; bytes are shown as UTF-8.</summary>
internal sealed record ScannedRecord(long Offset, long Timestamp, int KeySize, string? Key, int ValueSize, string? Value, IReadOnlyList<ScannedHeader> Headers)
{
    public static ScannedRecord From(in RecordMemory record)
    {
        var headers = new List<ScannedHeader>(record.HeaderCount);
        foreach (var header in new RecordHeaders(record.RawHeaders, record.HeaderCount))
        {
            headers.Add(new ScannedHeader(header.KeyAsString(), header.ValueIsNull ? null : Encoding.UTF8.GetString(header.Value)));
        }

        return new ScannedRecord(
            record.Offset,
            record.Timestamp,
            record.KeyIsNull ? -1 : record.Key.Length,
            record.KeyIsNull ? null : Encoding.UTF8.GetString(record.Key.Span),
            record.ValueIsNull ? -1 : record.Value.Length,
            record.ValueIsNull ? null : Encoding.UTF8.GetString(record.Value.Span),
            headers);
    }
}

/// <summary>A record header as dumped; a null value stays null.</summary>
internal sealed record ScannedHeader(string Key, string? Value);
