using System.Buffers;
using System.Text;
using System.Text.Json;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.DumpLog;

/// <summary>
/// The dump as one JSON document, written as it is read:
/// <c>{ file, segmentBaseOffset, fileSize, batches: [...], end: {...}, batchCount, recordCount, damagedBatches, damaged }</c>.
/// Each batch is flushed to the output as soon as it is serialized.
/// </summary>
internal sealed class DumpJsonWriter : IDumpWriter, IDisposable
{
    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _json;

    public DumpJsonWriter(TextWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true, Encoder = JsonOutput.Encoder });
    }

    public void Begin(string path, long? segmentBaseOffset, long fileSize)
    {
        _json.WriteStartObject();
        _json.WriteString("file", path);
        if (segmentBaseOffset is { } baseOffset)
        {
            _json.WriteNumber("segmentBaseOffset", baseOffset);
        }
        else
        {
            _json.WriteNull("segmentBaseOffset");
        }

        _json.WriteNumber("fileSize", fileSize);
        _json.WriteStartArray("batches");
        Drain();
    }

    public void Batch(ScannedBatch batch)
    {
        JsonSerializer.Serialize(_json, batch, JsonOutput.Document);
        Drain();
    }

    public void End(ScanEnd end, DumpSummary summary)
    {
        _json.WriteEndArray();
        _json.WritePropertyName("end");
        JsonSerializer.Serialize(_json, end, JsonOutput.Document);
        _json.WriteNumber("batchCount", summary.Batches);
        _json.WriteNumber("recordCount", summary.Records);
        _json.WriteNumber("damagedBatches", summary.DamagedBatches);
        _json.WriteBoolean("damaged", summary.DamagedBatches > 0 || end.IsDamage);
        _json.WriteEndObject();
        Drain();
        _output.WriteLine();
    }

    public void Dispose() => _json.Dispose();

    private void Drain()
    {
        _json.Flush();
        _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.ResetWrittenCount();
    }
}
