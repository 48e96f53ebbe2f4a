using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LogBroker.Client.Consuming;
using LogBroker.Client.Internal;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Client;

/// <summary>
/// Reads records from assigned partitions, from any offset or point in time. Fetching runs ahead of
/// the application (long-poll or server push, see <see cref="ConsumerOptions.FetchMode"/>), bounded by
/// <see cref="ConsumerOptions.PrefetchChunks"/>. Records come out in offset order within each
/// partition; every batch's CRC is checked first. Consume from one caller at a time, a record per call
/// (<see cref="ConsumeOneAsync"/>) or the rest of a fetched chunk per call (<see cref="ConsumeBatchAsync"/>);
/// assignment and seeks may come from anywhere.
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
    // The consuming thread's own state (one caller at a time): the chunk being read, where in it, and
    // what was handed out last. Nothing here is locked; positions are published through the chunk's
    // ConsumedPositions with plain stores.
    private FetchedChunk? _chunk;
    private ConsumedPositions _chunkPositions = new(-1, -1, -1);
    private BatchCursor _batches;
    private int _chunkBytesRead;
    private RecordCursor _records;
    private bool _inBatch;
    private long _openBatchNext;
    private bool _chunkDetached;
    private FetchedChunk? _lent;
    private int _lease;
    private ConsumedPositions? _handedOut;
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
        EndHandOut();
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
        EndHandOut(); // closing means done with it, as Kafka's close() commits what the last poll returned
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
        DropChunk();
        while (_prefetched.Reader.TryRead(out var unread))
        {
            unread.Release();
        }

        _assignment.Dispose();
        _channels.Dispose();
    }
}
