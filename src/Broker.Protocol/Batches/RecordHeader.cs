namespace LogBroker.Protocol.Batches;

/// <summary>A header to write into a record: a string key and a value that may be null.</summary>
public readonly record struct RecordHeader(string Key, ReadOnlyMemory<byte> Value, bool ValueIsNull = false)
{
    public static RecordHeader Null(string key) => new(key, ReadOnlyMemory<byte>.Empty, ValueIsNull: true);
}
