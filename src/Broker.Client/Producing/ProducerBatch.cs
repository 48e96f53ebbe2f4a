using System.Buffers;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;

namespace LogBroker.Client.Producing;

/// <summary>
/// Records on their way to one partition: encoded straight into a pooled <see cref="RecordBatchBuilder"/>,
/// sealed into RecordBatch v2 bytes, sent (and resent on retriable errors), then completed record by
/// record. Appends happen under the partition queue's lock; completion happens once, from the sender.
/// </summary>
internal sealed class ProducerBatch
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Completion[] _completions = ArrayPool<Completion>.Shared.Rent(64);
    private int _count;

    public ProducerBatch(TopicPartition partition, RecordBatchBuilder builder, long createdTicks, long reservedBytes)
    {
        Partition = partition;
        Builder = builder;
        CreatedTicks = createdTicks;
        ReservedBytes = reservedBytes;
    }

    public TopicPartition Partition { get; }

    public RecordBatchBuilder Builder { get; }

    /// <summary>Bytes of the producer's buffer memory this batch holds until it is released.</summary>
    public long ReservedBytes { get; }

    /// <summary>Stopwatch ticks when the first record went in: linger and delivery timeout count from here.</summary>
    public long CreatedTicks { get; }

    public int Attempts { get; set; }

    /// <summary>Stopwatch ticks before which a retry must not be sent.</summary>
    public long RetryAtTicks { get; set; }

    /// <summary>The batch's bytes once sealed; empty while records can still be added.</summary>
    public ReadOnlyMemory<byte> Bytes { get; private set; }

    public bool IsSealed => !Bytes.IsEmpty;

    public int RecordCount => _count;

    public Task Done => _done.Task;

    public bool TryAppend(long timestamp, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, ReadOnlySpan<RecordHeader> headers, in Completion completion, int batchSize)
    {
        if (IsSealed)
        {
            return false;
        }

        var keyLength = key?.Length ?? -1;
        var valueLength = value?.Length ?? -1;
        if (_count > 0 && Builder.UncompressedSizeInBytes + RecordBatchBuilder.MaxRecordSize(keyLength, valueLength, headers) > batchSize)
        {
            return false;
        }

        Builder.Append(timestamp, key.HasValue ? key.Value.Span : default, value.HasValue ? value.Value.Span : default, headers, key is null, value is null);
        if (_count == _completions.Length)
        {
            var larger = ArrayPool<Completion>.Shared.Rent(_count * 2);
            _completions.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<Completion>.Shared.Return(_completions, clearArray: true);
            _completions = larger;
        }

        _completions[_count++] = completion;
        return true;
    }

    public void Seal() => Bytes = Builder.Build();

    /// <summary>Reports every record delivered: offsets from <paramref name="baseOffset"/>, the broker's append time if it stamped one.</summary>
    public void Complete(long baseOffset, long logAppendTime)
    {
        for (var i = 0; i < _count; i++)
        {
            var c = _completions[i];
            var result = new DeliveryResult(Partition.Topic, Partition.Partition, baseOffset < 0 ? -1 : baseOffset + i, logAppendTime >= 0 ? logAppendTime : c.Timestamp);
            c.Promise?.SetResult(result);
            Invoke(c.Callback, new DeliveryReport(result, null));
        }

        Finish();
    }

    public void Fail(LogBrokerException error)
    {
        for (var i = 0; i < _count; i++)
        {
            var c = _completions[i];
            c.Promise?.SetException(error);
            Invoke(c.Callback, new DeliveryReport(new DeliveryResult(Partition.Topic, Partition.Partition, -1, c.Timestamp), error));
        }

        Finish();
    }

    private static void Invoke(Action<DeliveryReport>? callback, DeliveryReport report)
    {
        if (callback is null)
        {
            return;
        }

        try
        {
            callback(report);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A user callback's failure must not stop other deliveries; it has nowhere else to go.
            System.Diagnostics.Trace.TraceError($"LogBroker delivery callback threw: {e}");
        }
    }

    private void Finish()
    {
        ArrayPool<Completion>.Shared.Return(_completions, clearArray: true);
        _completions = [];
        _count = 0;
        _done.TrySetResult();
    }
}
