using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LogBroker.Client.Consuming;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Client;

/// <summary>
/// Reads records from assigned partitions, from any offset or point in time. Fetching runs ahead of
/// the application (long-poll or server push, see <see cref="ConsumerOptions.FetchMode"/>), bounded by
/// <see cref="ConsumerOptions.PrefetchChunks"/>. Records come out in offset order within each
/// partition; every batch's CRC is checked first. Consume from one caller at a time; assignment and
/// seeks may come from anywhere.
/// </summary>
/// <example>
/// <code>
/// await using var consumer = new Consumer(new ConsumerOptions { BootstrapServers = "http://127.0.0.1:9400" });
/// consumer.Assign(new TopicPartitionOffset("orders", 0, Offset.Beginning));
/// await foreach (var record in consumer.ConsumeAsync(cancellationToken))
///     Console.WriteLine($"{record.Offset}: {record.ValueAsString()}");
/// </code>
/// </example>
public sealed partial class Consumer : IAsyncDisposable
{
    private readonly ConsumerOptions _options;
    private readonly ChannelPool _channels = new();
    private readonly MetadataCache _metadata;
    private readonly OffsetLookup _offsets;
    private readonly AssignmentTable _assignment = new();
    private readonly Channel<FetchedChunk> _prefetched;
    private readonly FetcherSupervisor _fetchers;
    private readonly ILogger _logger;
    private readonly CoordinatorLocator? _coordinators;
    private readonly OffsetCommitter? _committer;
    private readonly GroupMembership? _membership;
    private readonly CancellationTokenSource _autoCommitStop = new();
    private readonly Task _autoCommit = Task.CompletedTask;
    private FetchedChunk? _chunk;
    private BatchCursor _batches;
    private RecordCursor _records;
    private bool _inBatch;
    private PartitionState? _handedOutState;
    private int _handedOutGeneration;
    private long _handedOutNext;
    private int _disposed;

    public Consumer(ConsumerOptions? options = null)
    {
        _options = options ?? new ConsumerOptions();
        _options.Validate();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Consumer>();
        _metadata = new MetadataCache(_channels, _options.BootstrapUris(), _options.RequestTimeout, _options.MetadataMaxAge);
        _offsets = new OffsetLookup(_metadata, _channels, _options.RequestTimeout);
        _prefetched = Channel.CreateBounded<FetchedChunk>(new BoundedChannelOptions(_options.PrefetchChunks) { SingleReader = true });
        if (_options.GroupId is { Length: > 0 } groupId)
        {
            _coordinators = new CoordinatorLocator(_metadata, _channels, _options.RequestTimeout);
            _committer = new OffsetCommitter(groupId, _coordinators, _options);
            _membership = new GroupMembership(groupId, _options, _coordinators, _logger);
            if (_options.EnableAutoCommit)
            {
                _autoCommit = Task.Run(() => AutoCommitAsync(_autoCommitStop.Token));
            }
        }

        _fetchers = new FetcherSupervisor(_options, _metadata, _channels, _offsets, _assignment, _prefetched.Writer, _committer is null ? null : CommittedOffsetsAsync, _logger);
    }

    public ConsumerOptions Options => _options;

    /// <summary>The partitions this consumer reads.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _assignment.Partitions;

    /// <summary>Reads exactly these partitions from the given positions (replacing any earlier assignment).</summary>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => _assignment.Assign(partitions);

    public void Assign(params TopicPartitionOffset[] partitions) => _assignment.Assign(partitions);

    /// <summary>Reads these partitions from their committed offsets, else per <see cref="ConsumerOptions.AutoOffsetReset"/>.</summary>
    public void Assign(IEnumerable<TopicPartition> partitions) =>
        _assignment.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Stored)));

    public void Unassign() => _assignment.Assign([]);

    /// <summary>Moves an assigned partition to <paramref name="offset"/> (or a special <see cref="Offset"/>); records fetched for the old position are dropped.</summary>
    public void Seek(TopicPartition partition, long offset)
    {
        if (!_assignment.Seek(partition, offset))
        {
            throw new InvalidOperationException($"{partition} is not assigned to this consumer");
        }
    }

    public void SeekToBeginning(IEnumerable<TopicPartition>? partitions = null)
    {
        foreach (var partition in partitions ?? Assignment)
        {
            Seek(partition, Offset.Beginning);
        }
    }

    public void SeekToEnd(IEnumerable<TopicPartition>? partitions = null)
    {
        foreach (var partition in partitions ?? Assignment)
        {
            Seek(partition, Offset.End);
        }
    }

    /// <summary>
    /// Moves partitions to their first record at or after <paramref name="timestamp"/>; to the end where
    /// every record is older.
    /// </summary>
    public async Task SeekToTimestampAsync(DateTimeOffset timestamp, IEnumerable<TopicPartition>? partitions = null, CancellationToken cancellationToken = default)
    {
        var targets = (partitions ?? Assignment).ToList();
        var found = await _offsets.ListAsync(targets.Select(p => (p, timestamp.ToUnixTimeMilliseconds())), cancellationToken);
        foreach (var partition in targets)
        {
            Seek(partition, found[partition].Offset is >= 0 and var offset ? offset : Offset.End);
        }
    }

    /// <summary>The next offset <see cref="ConsumeAsync(CancellationToken)"/> will hand out for a partition; null while it is being resolved.</summary>
    public long? Position(TopicPartition partition) =>
        _assignment.TryGet(partition, out var state) && state.Position >= 0 ? state.Position : null;

    /// <summary>Earliest and latest offsets (the high watermark) of a partition, asked of its leader.</summary>
    public async Task<(long Low, long High)> QueryWatermarksAsync(TopicPartition partition, CancellationToken cancellationToken = default)
    {
        var found = await _offsets.ListAsync([(partition, OffsetSpecs.Earliest)], cancellationToken);
        var high = await _offsets.ListAsync([(partition, OffsetSpecs.Latest)], cancellationToken);
        return (found[partition].Offset, high[partition].Offset);
    }

    /// <summary>Records as they arrive, until cancelled. Throws <see cref="LogBrokerException"/> for errors that retrying cannot fix.</summary>
    public async IAsyncEnumerable<ConsumeResult> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            yield return await ConsumeOneAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The next record, waiting as long as it takes (or until cancelled). Asking for it means the
    /// application is done with the record handed out before: from then on auto-commit may commit it.
    /// </summary>
    public ValueTask<ConsumeResult> ConsumeOneAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        MarkHandedOutProcessed();
        if (_membership?.Pending is null && _membership?.Fatal is null && TryTakeBuffered(out var result))
        {
            return ValueTask.FromResult(result);
        }

        return ConsumeSlowAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _autoCommitStop.CancelAsync();
        await _autoCommit;
        MarkHandedOutProcessed(); // closing means done with it, as Kafka's close() commits what the last poll returned
        if (_membership is { IsActive: true })
        {
            // As Kafka's close(): hand everything back (commit, revocation callback) before leaving.
            await ApplyGroupChangeAsync(new GroupChange(Assignment, [], lost: false), CancellationToken.None);
        }

        if (_membership is not null)
        {
            await _membership.DisposeAsync();
        }

        _autoCommitStop.Dispose();
        _prefetched.Writer.TryComplete();
        await _fetchers.DisposeAsync();
        _assignment.Dispose();
        _channels.Dispose();
    }

    private async ValueTask<ConsumeResult> ConsumeSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_membership is { } membership)
            {
                if (membership.Fatal is { } fatal)
                {
                    throw fatal;
                }

                if (membership.Pending is { } change && !change.Applied.IsCompleted)
                {
                    await ApplyGroupChangeAsync(change, cancellationToken);
                }

                if (TryTakeBuffered(out var buffered))
                {
                    return buffered;
                }

                // Wait for data or for the group to ask for a change, whichever comes first.
                var posted = membership.Posted;
                var ready = _prefetched.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(ready, posted) == posted)
                {
                    continue;
                }
            }

            var chunk = await _prefetched.Reader.ReadAsync(cancellationToken);
            if (chunk.Error != ErrorCode.None)
            {
                if (chunk.Generation < 0 || chunk.Generation == chunk.State.Generation)
                {
                    throw new LogBrokerException(chunk.Error, chunk.ErrorMessage ?? chunk.Error.ToString());
                }

                continue;
            }

            _chunk = chunk;
            _batches = new BatchCursor(chunk.Records);
            _inBatch = false;
            if (TryTakeBuffered(out var result))
            {
                return result;
            }
        }
    }

    /// <summary>The next record of the chunk being read, if any: no waiting and no allocation.</summary>
    private bool TryTakeBuffered(out ConsumeResult result)
    {
        result = default;
        while (_chunk is { } chunk)
        {
            var state = chunk.State;
            if (chunk.Generation != state.Generation)
            {
                _chunk = null; // the position moved: what was fetched for the old one is void
                return false;
            }

            if (_inBatch)
            {
                if (!_records.MoveNext(out var record))
                {
                    _inBatch = false;
                    continue;
                }

                if (record.Offset < state.Position)
                {
                    continue; // a batch may start before the position asked for
                }

                if (!_assignment.TryAdvancePosition(state, chunk.Generation, record.Offset + 1))
                {
                    _chunk = null;
                    return false;
                }

                _handedOutState = state;
                _handedOutGeneration = chunk.Generation;
                _handedOutNext = record.Offset + 1;
                result = new ConsumeResult(state.Partition.Topic, state.Partition.Partition, record.Offset, record.Timestamp, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, new RecordHeaders(record.RawHeaders, record.HeaderCount), chunk.HighWatermark);
                return true;
            }

            if (!_batches.MoveNext(out var batch))
            {
                _chunk = null;
                return false;
            }

            OpenBatch(chunk, batch);
        }

        return false;
    }

    private void MarkHandedOutProcessed()
    {
        if (_handedOutState is { } state)
        {
            _handedOutState = null;
            _assignment.MarkProcessed(state, _handedOutGeneration, _handedOutNext);
        }
    }

    private void OpenBatch(FetchedChunk chunk, ReadOnlyMemory<byte> batch)
    {
        if (_options.CheckCrcs)
        {
            var verdict = RecordBatchValidator.Validate(batch.Span, int.MaxValue, BatchValidationMode.Stored, out _);
            if (!verdict.IsValid)
            {
                _chunk = null;
                throw new LogBrokerException(ErrorCode.CorruptMessage, $"{chunk.State.Partition}: a fetched batch failed its check: {verdict.Message}");
            }
        }

        var view = new RecordBatch(batch.Span);
        if (view.NextOffset <= chunk.State.Position)
        {
            return; // wholly before the position
        }

        if (view.Attributes.IsControl)
        {
            _assignment.TryAdvancePosition(chunk.State, chunk.Generation, view.NextOffset); // transaction markers are not records
            return;
        }

        try
        {
            _records = RecordCursor.ForBatch(batch);
        }
        catch (InvalidDataException e)
        {
            _chunk = null;
            throw new LogBrokerException(ErrorCode.CorruptMessage, $"{chunk.State.Partition}: batch at offset {view.BaseOffset} cannot be decompressed: {e.Message}", e);
        }

        _inBatch = true;
    }
}
