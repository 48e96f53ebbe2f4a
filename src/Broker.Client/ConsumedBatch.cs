using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;

namespace LogBroker.Client;

/// <summary>
/// Records of one partition handed out at once by <see cref="Consumer.ConsumeBatchAsync"/>, decoded as
/// they are enumerated straight out of the received buffer: <c>foreach (var record in batch)</c>
/// allocates nothing per record (an LZ4 batch is expanded once, when reached). Valid until the
/// consumer's next consume call; enumerating it after that throws <see cref="InvalidOperationException"/>.
/// </summary>
public readonly struct ConsumedBatch
{
    private readonly Consumer? _owner;
    private readonly int _lease;
    private readonly RecordCursor? _open;
    private readonly ReadOnlyMemory<byte> _batches;

    internal ConsumedBatch(Consumer owner, int lease, TopicPartition partition, long highWatermark, long startOffset, long nextOffset, RecordCursor? open, ReadOnlyMemory<byte> batches)
    {
        _owner = owner;
        _lease = lease;
        TopicPartition = partition;
        HighWatermark = highWatermark;
        StartOffset = startOffset;
        NextOffset = nextOffset;
        _open = open;
        _batches = batches;
    }

    public TopicPartition TopicPartition { get; }

    public string Topic => TopicPartition.Topic;

    public int Partition => TopicPartition.Partition;

    /// <summary>The partition's high watermark as of the fetch that brought these records.</summary>
    public long HighWatermark { get; }

    /// <summary>The consumer's position when the batch was handed out: every record's offset is at least this.</summary>
    public long StartOffset { get; }

    /// <summary>The consumer's position after the batch: every record's offset is below this.</summary>
    public long NextOffset { get; }

    /// <summary>Records behind the end of the log after this batch (as of the fetch that brought it).</summary>
    public long Lag => Math.Max(0, HighWatermark - NextOffset);

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the batch's records in offset order; a mutable struct, used by <c>foreach</c>.</summary>
    public struct Enumerator
    {
        private readonly ConsumedBatch _batch;
        private BatchCursor _stored;
        private RecordCursor _records;
        private bool _inBatch;
        private RecordMemory _current;

        internal Enumerator(ConsumedBatch batch)
        {
            _batch = batch;
            _stored = new BatchCursor(batch._batches);
            _inBatch = batch._open.HasValue;
            _records = batch._open.GetValueOrDefault();
        }

        public readonly ConsumedRecord Current => new(_current);

        /// <summary>Decodes the next record; throws <see cref="LogBrokerException"/> (CorruptMessage) for a malformed one.</summary>
        public bool MoveNext()
        {
            if (_batch._owner is not { } owner)
            {
                return false;
            }

            if (!owner.IsLeaseCurrent(_batch._lease))
            {
                throw new InvalidOperationException("this batch is no longer valid: a batch lasts until the consumer's next consume call");
            }

            try
            {
                while (true)
                {
                    if (_inBatch)
                    {
                        if (_records.MoveNext(out _current))
                        {
                            if (_current.Offset < _batch.StartOffset)
                            {
                                continue; // a batch may start before the position asked for
                            }

                            return true;
                        }

                        _inBatch = false;
                    }

                    if (!_stored.MoveNext(out var stored))
                    {
                        return false;
                    }

                    var view = new RecordBatch(stored.Span);
                    if (view.NextOffset <= _batch.StartOffset || view.Attributes.IsControl)
                    {
                        continue; // before the position, or a transaction marker
                    }

                    _records = RecordCursor.ForBatch(stored);
                    _inBatch = true;
                }
            }
            catch (InvalidDataException e)
            {
                throw new LogBrokerException(ErrorCode.CorruptMessage, $"{_batch.TopicPartition}: {e.Message}", e);
            }
        }
    }
}
