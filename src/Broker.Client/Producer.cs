using System.Runtime.InteropServices;
using LogBroker.Client.Internal;
using LogBroker.Client.Producing;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Partitioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Client;

/// <summary>
/// Sends records to topics. Records are batched per partition (see <see cref="ProducerOptions.BatchSize"/>
/// and <see cref="ProducerOptions.Linger"/>), optionally compressed, and sent to each partition's leader
/// over one pipelined stream per broker, with retries on retriable errors. Keyed records go to the
/// partition Kafka's partitioner picks (murmur2), records without a key stick to one partition per
/// batch. Thread-safe; share one producer per process. Dispose flushes.
/// </summary>
/// <example>
/// <code>
/// await using var producer = new Producer(new ProducerOptions { BootstrapServers = "http://127.0.0.1:9400" });
/// var delivered = await producer.ProduceAsync("orders", "order-42"u8.ToArray(), "{\"qty\":1}"u8.ToArray());
/// Console.WriteLine($"stored at {delivered.Partition}/{delivered.Offset}");
/// </code>
/// </example>
public sealed class Producer : IAsyncDisposable
{
    private readonly ProducerOptions _options;
    private readonly ChannelPool _channels = new();
    private readonly MetadataCache _metadata;
    private readonly RecordAccumulator _accumulator;
    private readonly Sender _sender;
    private int _disposed;

    public Producer(ProducerOptions? options = null)
    {
        _options = options ?? new ProducerOptions();
        _options.Validate();
        var logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Producer>();
        _metadata = new MetadataCache(_channels, _options.BootstrapUris(), _options.RequestTimeout, _options.MetadataMaxAge);
        _accumulator = new RecordAccumulator(_options);
        _sender = new Sender(_accumulator, _metadata, _channels, _options, logger);
    }

    public ProducerOptions Options => _options;

    /// <summary>
    /// Produces a record and completes when the broker has acknowledged it (per <see cref="ProducerOptions.Acks"/>),
    /// or throws <see cref="LogBrokerException"/> once retries are exhausted. Like Kafka's send(), the call
    /// itself blocks while the topic's metadata is first fetched or the buffer is full (at most
    /// <see cref="ProducerOptions.MaxBlock"/>), so records from one caller keep their order.
    /// <paramref name="cancellationToken"/> cancels that wait, not a record already batched.
    /// </summary>
    public ValueTask<DeliveryResult> ProduceAsync(string topic, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null, CancellationToken cancellationToken = default)
    {
        var promise = DeliveryPromise.Rent();
        Enqueue(topic, partition: null, key, value, headers, timestamp, promise, onDelivery: null, cancellationToken);
        return promise.Task;
    }

    /// <summary>As <see cref="ProduceAsync(string, ReadOnlyMemory{byte}?, ReadOnlyMemory{byte}?, IReadOnlyList{RecordHeader}?, long?, CancellationToken)"/>, to a partition of your choice.</summary>
    public ValueTask<DeliveryResult> ProduceAsync(TopicPartition partition, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null, CancellationToken cancellationToken = default)
    {
        var promise = DeliveryPromise.Rent();
        Enqueue(partition.Topic, partition.Partition, key, value, headers, timestamp, promise, onDelivery: null, cancellationToken);
        return promise.Task;
    }

    /// <summary>
    /// Fire and forget: batches the record and returns; <paramref name="onDelivery"/> (if given) is
    /// called once with the outcome, on a producer thread, so keep it short. Blocks as
    /// <see cref="ProduceAsync(string, ReadOnlyMemory{byte}?, ReadOnlyMemory{byte}?, IReadOnlyList{RecordHeader}?, long?, CancellationToken)"/> does.
    /// </summary>
    public void Produce(string topic, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, Action<DeliveryReport>? onDelivery = null, IReadOnlyList<RecordHeader>? headers = null, long? timestamp = null, int? partition = null) =>
        Enqueue(topic, partition, key, value, headers, timestamp, promise: null, onDelivery, CancellationToken.None);

    /// <summary>Sends everything batched so far without waiting for linger, and waits until all of it is acknowledged or failed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _accumulator.FlushAsync(cancellationToken);

    /// <summary>Flushes (bounded by the delivery timeout), then closes the streams.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(_options.DeliveryTimeout))
        {
            try
            {
                await _accumulator.FlushAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // undelivered records fail with the closing error below
            }
        }

        await _sender.DisposeAsync();
        _accumulator.Dispose();
        _channels.Dispose();
    }

    /// <summary>Puts the record into its partition's batch, synchronously, in call order; no allocation when metadata is known and the batch has room.</summary>
    private void Enqueue(string topic, int? partition, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, IReadOnlyList<RecordHeader>? headers, long? timestamp, DeliveryPromise? promise, Action<DeliveryReport>? onDelivery, CancellationToken cancellationToken)
    {
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var partitionCount = PartitionCount(topic, cancellationToken);
            var tp = new TopicPartition(topic, ChoosePartition(topic, partition, key, partitionCount));
            var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var completion = new Completion(promise, onDelivery, ts);
            var headerSpan = AsSpan(headers);
            if (!_accumulator.TryAppend(tp, ts, key, value, headerSpan, completion))
            {
                _accumulator.Append(tp, partitionCount, ts, key, value, headerSpan, completion, cancellationToken);
            }
        }
        catch (Exception e) when (promise is not null && e is LogBrokerException or OperationCanceledException or ObjectDisposedException)
        {
            promise.SetException(e);
        }
    }

    private int PartitionCount(string topic, CancellationToken cancellationToken)
    {
        var route = _metadata.GetTopicAsync(topic, cancellationToken);
        if (route.IsCompletedSuccessfully)
        {
            return route.Result.PartitionCount;
        }

        // First use of the topic: wait for its metadata, as Kafka's send() does, bounded by MaxBlock.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.MaxBlock);
        return route.AsTask().WaitAsync(timeout.Token).GetAwaiter().GetResult().PartitionCount;
    }

    private int ChoosePartition(string topic, int? partition, ReadOnlyMemory<byte>? key, int partitionCount)
    {
        if (partition is { } chosen)
        {
            return chosen >= 0 && chosen < partitionCount
                ? chosen
                : throw new LogBrokerException(Protocol.Errors.ErrorCode.UnknownTopicOrPartition, $"topic '{topic}' has {partitionCount} partition(s); partition {chosen} does not exist");
        }

        return key is { } k ? DefaultPartitioner.PartitionForKey(k.Span, partitionCount) : _accumulator.Sticky.Partition(topic, partitionCount);
    }

    private static ReadOnlySpan<RecordHeader> AsSpan(IReadOnlyList<RecordHeader>? headers) => headers switch
    {
        null => default,
        RecordHeader[] array => array,
        List<RecordHeader> list => CollectionsMarshal.AsSpan(list),
        _ => headers.ToArray(),
    };

}
