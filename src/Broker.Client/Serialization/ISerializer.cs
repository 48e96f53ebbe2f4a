using System.Buffers;

namespace LogBroker.Client.Serialization;

/// <summary>
/// Turns a typed key or value into record bytes. Writes into the buffer it is given rather than
/// returning an array, so that a serializer for a fixed-size or span-friendly type allocates nothing.
/// Never called with null: a null key or value is sent as a null record field.
/// </summary>
public interface ISerializer<in T>
{
    void Serialize(T value, IBufferWriter<byte> output);
}
