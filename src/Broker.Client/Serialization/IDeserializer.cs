namespace LogBroker.Client.Serialization;

/// <summary>
/// Reads a typed key or value back from record bytes. <paramref name="isNull"/> distinguishes a null
/// field from an empty one; the span is only valid for the duration of the call.
/// </summary>
public interface IDeserializer<out T>
{
    T Deserialize(ReadOnlySpan<byte> data, bool isNull);
}
