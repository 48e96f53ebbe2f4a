using LogBroker.Client.Serialization;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;

namespace LogBroker.Client;

/// <summary>
/// A <see cref="Producer"/> for typed keys and values: each is serialized into a per-thread pooled
/// buffer and handed to the byte-level producer, which copies it into its batch before returning. A
/// null key or value is sent as null. Disposing disposes the inner producer.
/// </summary>
public sealed class Producer<TKey, TValue>(Producer inner, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer) : IAsyncDisposable
{
    [ThreadStatic]
    private static PooledBufferWriter? _keyBuffer;

    [ThreadStatic]
    private static PooledBufferWriter? _valueBuffer;

    public Producer(ProducerOptions options, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer)
        : this(new Producer(options), keySerializer, valueSerializer)
    {
    }

    /// <summary>The byte-level producer underneath.</summary>
    public Producer Inner { get; } = inner;

    public ValueTask<DeliveryResult> ProduceAsync(string topic, TKey? key, TValue? value, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null, CancellationToken cancellationToken = default) =>
        Inner.ProduceAsync(topic, Serialize(key, keySerializer, ref _keyBuffer), Serialize(value, valueSerializer, ref _valueBuffer), headers, timestamp, cancellationToken);

    public ValueTask<DeliveryResult> ProduceAsync(TopicPartition partition, TKey? key, TValue? value, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null, CancellationToken cancellationToken = default) =>
        Inner.ProduceAsync(partition, Serialize(key, keySerializer, ref _keyBuffer), Serialize(value, valueSerializer, ref _valueBuffer), headers, timestamp, cancellationToken);

    public void Produce(string topic, TKey? key, TValue? value, Action<DeliveryReport>? onDelivery = null, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null) =>
        Inner.Produce(topic, Serialize(key, keySerializer, ref _keyBuffer), Serialize(value, valueSerializer, ref _valueBuffer), onDelivery, headers, timestamp);

    public Task FlushAsync(CancellationToken cancellationToken = default) => Inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    /// <summary>The serialized bytes, valid until this thread's next call (the producer copies them first).</summary>
    private static ReadOnlyMemory<byte>? Serialize<T>(T? value, ISerializer<T> serializer, ref PooledBufferWriter? buffer)
    {
        if (value is null)
        {
            return null;
        }

        buffer ??= new PooledBufferWriter(256);
        buffer.Clear();
        serializer.Serialize(value, buffer);
        return buffer.WrittenMemory;
    }
}
