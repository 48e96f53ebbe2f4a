using System.Text;
using LogBroker.Protocol.Batches;

namespace LogBroker.Client;

/// <summary>
/// One record of a <see cref="ConsumedBatch"/>: spans over the received buffer, valid until the
/// consumer's next consume call (a ref struct, so it cannot be kept past an await by mistake).
/// </summary>
public readonly ref struct ConsumedRecord
{
    private readonly RecordMemory _record;

    internal ConsumedRecord(RecordMemory record) => _record = record;

    public long Offset => _record.Offset;

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long TimestampMs => _record.Timestamp;

    public ReadOnlySpan<byte> Key => _record.Key.Span;

    public bool KeyIsNull => _record.KeyIsNull;

    public ReadOnlySpan<byte> Value => _record.Value.Span;

    /// <summary>A null value is a tombstone on compacted topics.</summary>
    public bool ValueIsNull => _record.ValueIsNull;

    public RecordHeaders Headers => new(_record.RawHeaders, _record.HeaderCount);

    public string? KeyAsString() => KeyIsNull ? null : Encoding.UTF8.GetString(Key);

    public string? ValueAsString() => ValueIsNull ? null : Encoding.UTF8.GetString(Value);

    public T KeyAs<T>(Serialization.IDeserializer<T> deserializer) => deserializer.Deserialize(Key, KeyIsNull);

    public T ValueAs<T>(Serialization.IDeserializer<T> deserializer) => deserializer.Deserialize(Value, ValueIsNull);
}
