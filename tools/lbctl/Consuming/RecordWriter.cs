using System.Text;
using LogBroker.Client;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Consuming;

/// <summary>
/// Prints consumed records. Text: the value per line (key, a tab, then the value with --print-key;
/// "null" for a null key or value), as Kafka's console consumer does. JSON: one object per line with
/// topic, partition, offset, timestamp (ms), key, value and headers. Bytes are shown as UTF-8.
/// </summary>
internal sealed class RecordWriter(TextWriter output, bool json, bool printKey)
{
    public void Write(in ConsumeResult record)
    {
        if (json)
        {
            var headers = new List<ConsumedHeader>(record.Headers.Count);
            foreach (var header in record.Headers)
            {
                headers.Add(new ConsumedHeader(header.KeyAsString(), header.ValueIsNull ? null : Encoding.UTF8.GetString(header.Value)));
            }

            JsonOutput.WriteLine(output, new ConsumedRecord(record.Topic, record.Partition, record.Offset, record.TimestampMs, record.KeyAsString(), record.ValueAsString(), headers));
            return;
        }

        var value = record.ValueAsString() ?? "null";
        output.WriteLine(printKey ? $"{record.KeyAsString() ?? "null"}\t{value}" : value);
    }

    /// <summary>Called before the consumer waits, so records already printed reach a pipe promptly.</summary>
    public void Flush() => output.Flush();

    private sealed record ConsumedRecord(string Topic, int Partition, long Offset, long Timestamp, string? Key, string? Value, IReadOnlyList<ConsumedHeader> Headers);

    private sealed record ConsumedHeader(string Key, string? Value);
}
