using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace LogBroker.Client.Serialization;

/// <summary>
/// The built-in formats. Integers are big-endian, as Kafka's IntegerSerializer and LongSerializer write
/// them, so keys hash to the same partitions as they would from a Java producer. Each instance is
/// stateless and safe to share across threads.
/// </summary>
public static class Serializers
{
    public static Utf8Format Utf8 { get; } = new();

    public static Int32Format Int32 { get; } = new();

    public static Int64Format Int64 { get; } = new();

    public static ByteArrayFormat ByteArray { get; } = new();

    /// <summary>JSON through System.Text.Json; pass options (or a source-generated context's options) to control the shape.</summary>
    public static JsonFormat<T> Json<T>(JsonSerializerOptions? options = null) => new(options);

    public sealed class Utf8Format : ISerializer<string>, IDeserializer<string?>
    {
        public void Serialize(string value, IBufferWriter<byte> output) => Encoding.UTF8.GetBytes(value, output);

        public string? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? null : Encoding.UTF8.GetString(data);
    }

    public sealed class Int32Format : ISerializer<int>, IDeserializer<int>
    {
        public void Serialize(int value, IBufferWriter<byte> output)
        {
            BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(sizeof(int)), value);
            output.Advance(sizeof(int));
        }

        public int Deserialize(ReadOnlySpan<byte> data, bool isNull)
        {
            if (isNull || data.Length != sizeof(int))
            {
                throw new FormatException($"an Int32 field is 4 bytes; this one is {(isNull ? "null" : $"{data.Length} bytes")}");
            }

            return BinaryPrimitives.ReadInt32BigEndian(data);
        }
    }

    public sealed class Int64Format : ISerializer<long>, IDeserializer<long>
    {
        public void Serialize(long value, IBufferWriter<byte> output)
        {
            BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(sizeof(long)), value);
            output.Advance(sizeof(long));
        }

        public long Deserialize(ReadOnlySpan<byte> data, bool isNull)
        {
            if (isNull || data.Length != sizeof(long))
            {
                throw new FormatException($"an Int64 field is 8 bytes; this one is {(isNull ? "null" : $"{data.Length} bytes")}");
            }

            return BinaryPrimitives.ReadInt64BigEndian(data);
        }
    }

    public sealed class ByteArrayFormat : ISerializer<byte[]>, IDeserializer<byte[]?>
    {
        public void Serialize(byte[] value, IBufferWriter<byte> output) => output.Write(value);

        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? null : data.ToArray();
    }

    public sealed class JsonFormat<T>(JsonSerializerOptions? options) : ISerializer<T>, IDeserializer<T?>
    {
        private readonly JsonSerializerOptions _options = options ?? JsonSerializerOptions.Default;

        // One writer per thread, re-pointed at each output, so serializing a record does not allocate a writer.
        [ThreadStatic]
        private static Utf8JsonWriter? _writer;

        public void Serialize(T value, IBufferWriter<byte> output)
        {
            var writer = _writer ??= new Utf8JsonWriter(output);
            writer.Reset(output); // also clears whatever a failed previous call left half-written
            JsonSerializer.Serialize(writer, value, _options);
        }

        public T? Deserialize(ReadOnlySpan<byte> data, bool isNull) => isNull ? default : JsonSerializer.Deserialize<T>(data, _options);
    }
}
