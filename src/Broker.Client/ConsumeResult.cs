using System.Text;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;

namespace LogBroker.Client;

/// <summary>
/// One consumed record. Key, value and headers are slices of the fetched response (no copy per
/// record); they stay valid for as long as you hold them.
/// </summary>
public readonly record struct ConsumeResult(
    string Topic,
    int Partition,
    long Offset,
    long TimestampMs,
    ReadOnlyMemory<byte> Key,
    bool KeyIsNull,
    ReadOnlyMemory<byte> Value,
    bool ValueIsNull,
    RecordHeaders Headers,
    long HighWatermark)
{
    public TopicPartition TopicPartition => new(Topic, Partition);

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>Records behind the end of the log (as of the fetch that brought this one).</summary>
    public long Lag => Math.Max(0, HighWatermark - Offset - 1);

    public string? KeyAsString() => KeyIsNull ? null : Encoding.UTF8.GetString(Key.Span);

    public string? ValueAsString() => ValueIsNull ? null : Encoding.UTF8.GetString(Value.Span);
}
