using System.Collections.Concurrent;
using System.Diagnostics;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Partitioning;

namespace LogBroker.Client.Producing;

/// <summary>
/// Gathers records into per-partition batches (Kafka's RecordAccumulator). A batch is sealed when the
/// next record would not fit, when it has lingered long enough, or on flush; sealed batches wait in
/// their partition's queue, in order, for the sender. Memory is bounded by <c>BufferMemory</c> bytes:
/// each batch reserves its capacity when it opens, and a producer that outruns the network waits.
/// </summary>
internal sealed class RecordAccumulator : IDisposable
{
    private readonly ConcurrentDictionary<TopicPartition, PartitionQueue> _queues = new();
    private readonly ConcurrentDictionary<ProducerBatch, byte> _incomplete = new();
    private readonly ConcurrentBag<RecordBatchBuilder> _builders = [];
    private readonly BufferMemoryBudget _memory;
    private readonly SemaphoreSlim _wakeup = new(0);
    /// <summary>Room a builder has beyond <c>BatchSize</c>, so a full batch does not regrow its buffer.</summary>
    private const int BuilderSlack = 1024;

    private readonly ProducerOptions _options;
    private readonly long _lingerTicks;
    private int _signalled;
    private int _flushing;

    public RecordAccumulator(ProducerOptions options)
    {
        _options = options;
        _lingerTicks = (long)(options.Linger.TotalSeconds * Stopwatch.Frequency);
        _memory = new BufferMemoryBudget(options.BufferMemory);
    }

    public StickyPartitioner Sticky { get; } = new();

    public int IncompleteBatches => _incomplete.Count;

    /// <summary>Bytes of <c>BufferMemory</c> reserved by batches not yet delivered or failed.</summary>
    public long BufferedBytes => _memory.InUse;

    /// <summary>Appends to the partition's open batch if it has room: the common case, no waiting, no allocation.</summary>
    public bool TryAppend(TopicPartition partition, long timestamp, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, ReadOnlySpan<RecordHeader> headers, in Completion completion)
    {
        var queue = _queues.GetOrAdd(partition, static _ => new PartitionQueue());
        lock (queue.Lock)
        {
            return queue.Open is { } open && open.TryAppend(timestamp, key, value, headers, completion, _options.BatchSize);
        }
    }

    /// <summary>
    /// Appends, opening a new batch (after waiting, blocking, for buffer memory) if the open one is
    /// full. Blocking keeps records in call order: an async wait would let a later call overtake. A new
    /// batch always takes its first record, however large: the broker judges max.message.bytes.
    /// </summary>
    public void Append(TopicPartition partition, int partitionCount, long timestamp, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, ReadOnlySpan<RecordHeader> headers, in Completion completion, CancellationToken cancellationToken)
    {
        while (!TryAppend(partition, timestamp, key, value, headers, completion))
        {
            var reserve = Math.Max(_options.BatchSize, RecordBatchLayout.HeaderSize + RecordBatchBuilder.MaxRecordSize(key?.Length ?? -1, value?.Length ?? -1, headers));
            if (!_memory.TryReserve(reserve, _options.MaxBlock, cancellationToken))
            {
                throw new LogBrokerException(Protocol.Errors.ErrorCode.RequestTimedOut, $"the producer's buffer stayed full for {_options.MaxBlock.TotalSeconds:F0} s (BufferMemory {_options.BufferMemory} bytes)");
            }

            if (OpenBatch(partition, partitionCount, reserve, timestamp, key, value, headers, completion))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Takes every batch that is ready to send: sealed ones, open ones that lingered long enough (or
    /// all open ones while flushing), and retries whose back-off is over; per partition in order.
    /// </summary>
    public void Drain(long nowTicks, List<ProducerBatch> output, out long nextWakeTicks)
    {
        nextWakeTicks = long.MaxValue;
        var flushing = Volatile.Read(ref _flushing) > 0;
        foreach (var (partition, queue) in _queues)
        {
            lock (queue.Lock)
            {
                if (queue.Open is { } open)
                {
                    if (flushing || nowTicks - open.CreatedTicks >= _lingerTicks)
                    {
                        SealOpen(partition, queue);
                    }
                    else
                    {
                        nextWakeTicks = Math.Min(nextWakeTicks, open.CreatedTicks + _lingerTicks);
                    }
                }

                while (queue.Ready.First is { } node)
                {
                    if (node.Value.RetryAtTicks > nowTicks)
                    {
                        nextWakeTicks = Math.Min(nextWakeTicks, node.Value.RetryAtTicks);
                        break; // later batches of this partition must not overtake it
                    }

                    queue.Ready.RemoveFirst();
                    output.Add(node.Value);
                }
            }
        }
    }

    /// <summary>Puts a batch back to be retried, in order of creation among its partition's waiting batches.</summary>
    public void Requeue(ProducerBatch batch)
    {
        var queue = _queues.GetOrAdd(batch.Partition, static _ => new PartitionQueue());
        lock (queue.Lock)
        {
            var node = queue.Ready.First;
            while (node is not null && node.Value.CreatedTicks <= batch.CreatedTicks)
            {
                node = node.Next;
            }

            if (node is null)
            {
                queue.Ready.AddLast(batch);
            }
            else
            {
                queue.Ready.AddBefore(node, batch);
            }
        }

        Signal();
    }

    /// <summary>The batch is done (delivered or failed): its memory and builder go back.</summary>
    public void Release(ProducerBatch batch)
    {
        if (_incomplete.TryRemove(batch, out _))
        {
            if (batch.Builder.UncompressedSizeInBytes > _options.BatchSize + BuilderSlack)
            {
                batch.Builder.Dispose(); // grown for one large record: do not keep its buffers
            }
            else
            {
                batch.Builder.Reset();
                _builders.Add(batch.Builder);
            }

            _memory.Release(batch.ReservedBytes);
        }
    }

    /// <summary>Seals every open batch and waits for all batches that exist now to complete.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _flushing);
        try
        {
            Signal();
            var pending = _incomplete.Keys.Select(b => b.Done).ToArray();
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _flushing);
        }
    }

    /// <summary>For the sender: waits until there is something to do or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _wakeup.WaitAsync(timeout, cancellationToken);
        Volatile.Write(ref _signalled, 0);
    }

    public void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _wakeup.Release();
        }
    }

    public void Dispose()
    {
        _wakeup.Dispose();
        while (_builders.TryTake(out var builder))
        {
            builder.Dispose();
        }
    }

    private bool OpenBatch(TopicPartition partition, int partitionCount, long reserved, long timestamp, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, ReadOnlySpan<RecordHeader> headers, in Completion completion)
    {
        var queue = _queues.GetOrAdd(partition, static _ => new PartitionQueue());
        var opened = false;
        lock (queue.Lock)
        {
            if (queue.Open is { } open && open.TryAppend(timestamp, key, value, headers, completion, _options.BatchSize))
            {
                _memory.Release(reserved); // someone else opened a batch with room meanwhile
                return true;
            }

            if (queue.Open is not null)
            {
                SealOpen(partition, queue);
            }

            var builder = _builders.TryTake(out var pooled) ? pooled : new RecordBatchBuilder(_options.Compression, _options.BatchSize + BuilderSlack);
            var batch = new ProducerBatch(partition, builder, Stopwatch.GetTimestamp(), reserved);
            _incomplete[batch] = 0;
            queue.Open = batch;
            queue.PartitionCount = partitionCount;
            opened = batch.TryAppend(timestamp, key, value, headers, completion, int.MaxValue);
        }

        Signal(); // the sender must know about the new batch's linger deadline
        return opened;
    }

    private void SealOpen(TopicPartition partition, PartitionQueue queue)
    {
        var open = queue.Open!;
        queue.Open = null;
        open.Seal();
        queue.Ready.AddLast(open);
        Sticky.OnBatchSealed(partition.Topic, partition.Partition, queue.PartitionCount);
        Signal();
    }
}
