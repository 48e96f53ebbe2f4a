using LogBroker.Client.Serialization;

namespace LogBroker.Client;

/// <summary>Typed views of a consumed record's key and value; the raw bytes stay on <see cref="ConsumeResult"/>.</summary>
public static class ConsumeResultExtensions
{
    public static T KeyAs<T>(this in ConsumeResult record, IDeserializer<T> deserializer) => deserializer.Deserialize(record.Key.Span, record.KeyIsNull);

    public static T ValueAs<T>(this in ConsumeResult record, IDeserializer<T> deserializer) => deserializer.Deserialize(record.Value.Span, record.ValueIsNull);
}
