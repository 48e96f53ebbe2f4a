using System.Buffers.Binary;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Wire;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Storage.Durability;
using LogBroker.Storage.Producers;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Log;

/// <summary>
/// A partition's append-only log: an ordered run of segments, the last one active.
/// <para>
/// Offsets: <see cref="LogStartOffset"/> (first offset kept), <see cref="LogEndOffset"/> (next offset to
/// assign), <see cref="HighWatermark"/> (set by the caller; reads never pass it) and
/// <see cref="RecoveryPoint"/> (everything below it is fsynced and needs no scan at the next start).
/// </para>
/// <para>
/// Threading: appends, rolls, truncation, retention and the cleaner's segment swaps are serialised by one write
/// lock; the append holds it across its <c>pwrite</c> because offsets must reach the file in the order
/// they were assigned (the write lands in the page cache; fsync happens outside it). Reads take no
/// lock: they read the published segment array and offsets, and hold a reference on the segment
/// they read from.
/// </para>
/// <para>
/// Idempotent producers: the log keeps each producer's epoch and last five batches
/// (<see cref="ProducerStateManager"/>), checked and updated under the write lock by every append,
/// snapshotted at each roll and at a clean close, and rebuilt at open and after a truncation.
/// </para>
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    private const long NoCorruption = long.MaxValue;
    private readonly Lock _writeLock = new();
    private readonly Lock _flushLock = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BatchStamper _stamper = new();
    private readonly ProducerStateManager _producers;
    private Segment[] _segments;
    private LogConfig _config;
    private long _logStartOffset;
    private long _logEndOffset;
    private long _highWatermark;
    private long _recoveryPoint;
    private long _corruptionFloor = NoCorruption;
    private long _truncations;
    private long _lastFlushMs;
    private bool _closed;

    private PartitionLog(TopicPartition topicPartition, string directory, LogConfig config, LogLoader.Loaded loaded, LeaderEpochCache epochs, ProducerStateManager producers, LogOpenOptions options, ILogger logger, TimeProvider time)
    {
        _producers = producers;
        TopicPartition = topicPartition;
        Directory = directory;
        _config = config;
        _logger = logger;
        _time = time;
        _segments = loaded.Segments;
        LeaderEpochs = epochs;
        _logStartOffset = loaded.LogStartOffset;
        _logEndOffset = _segments[^1].NextOffset;
        _recoveryPoint = Math.Min(options.CleanShutdown ? _logEndOffset : options.RecoveryPoint, _logEndOffset);
        _highWatermark = Math.Clamp(options.HighWatermark ?? _logEndOffset, _logStartOffset, _logEndOffset);
        _lastFlushMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        WasRecovered = loaded.Recovered;
    }

    public TopicPartition TopicPartition { get; }

    public string Directory { get; }

    public LeaderEpochCache LeaderEpochs { get; }

    public LogConfig Config => Volatile.Read(ref _config);

    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>
    /// Offsets below this are fsynced and known good, so the next start after an unclean stop need not
    /// scan them: what was flushed, capped by the base of the first segment a read found corrupt.
    /// This is what the log manager checkpoints; flushing never lifts it past that cap, so the next
    /// start scans and cuts the damaged segment even though its bytes were fsynced long ago.
    /// </summary>
    public long RecoveryPoint => Math.Min(FlushedOffset, Volatile.Read(ref _corruptionFloor));

    /// <summary>Offsets below this were fsynced: what decides whether a flush is due.</summary>
    internal long FlushedOffset => Volatile.Read(ref _recoveryPoint);

    /// <summary>True when opening this log needed a recovery scan.</summary>
    public bool WasRecovered { get; }

    /// <summary>True once a read found a batch that failed its CRC check; the next start will recover this log.</summary>
    public bool HasCorruption { get; private set; }

    /// <summary>
    /// Told the new log end offset after every truncation, outside the write lock: the cleaner moves its
    /// checkpoint back so that offsets written again are cleaned as dirty (Kafka's maybeTruncateCheckpoint).
    /// Set once by the log manager when it opens or creates the log.
    /// </summary>
    internal Action<PartitionLog, long>? TruncationObserver { get; set; }

    /// <summary>Called by <see cref="Flush"/> between its fsyncs and publishing the new recovery point: lets a test truncate exactly there.</summary>
    internal Action? FlushSynced { get; set; }

    /// <summary>The published segment array, oldest first, the active segment last: for the cleaner, which reads it as readers do.</summary>
    internal Segment[] CurrentSegments => Volatile.Read(ref _segments);

    public int SegmentCount => Volatile.Read(ref _segments).Length;

    public long SizeInBytes
    {
        get
        {
            long size = 0;
            foreach (var segment in Volatile.Read(ref _segments))
            {
                size += segment.Size;
            }

            return size;
        }
    }

    public IReadOnlyList<SegmentInfo> Segments
    {
        get
        {
            var segments = Volatile.Read(ref _segments);
            var result = new SegmentInfo[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                var s = segments[i];
                result[i] = new SegmentInfo(s.BaseOffset, s.NextOffset, s.Size, s.LargestTimestamp, s.IsActive);
            }

            return result;
        }
    }

    /// <summary>Opens (and if needed recovers) the log in <paramref name="directory"/>, creating it when new.</summary>
    public static PartitionLog Open(string directory, TopicPartition topicPartition, LogConfig config, LogOpenOptions options, ILogger logger, TimeProvider time)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            DirectoryFsync.Flush(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)))!); // the new directory's own name
        }

        var epochs = LeaderEpochCache.Load(directory);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var loaded = LogLoader.Load(directory, config, options, epochs, logger, now);
        var producers = new ProducerStateManager(topicPartition, directory, options.ProducerIdExpiration, logger);
        producers.Rebuild(loaded.Segments, loaded.LogStartOffset, loaded.Segments[^1].NextOffset, durable: false);
        producers.RemoveExpired(now);
        var log = new PartitionLog(topicPartition, directory, config, loaded, epochs, producers, options, logger, time);
        epochs.TruncateFromEnd(log.LogEndOffset);
        epochs.TruncateFromStart(log.LogStartOffset);
        if (loaded.Recovered)
        {
            log.Flush();
        }

        return log;
    }

    public void UpdateConfig(LogConfig config) => Volatile.Write(ref _config, config);

    /// <summary>Moves the high watermark, clamped to [log start, log end]. For a single replica it follows the log end.</summary>
    public void UpdateHighWatermark(long highWatermark) =>
        Volatile.Write(ref _highWatermark, Math.Clamp(highWatermark, LogStartOffset, LogEndOffset));

    /// <summary>
    /// Validates and appends the batches a producer (or a leader, for a follower) sent for this partition.
    /// Either all of them are appended or none is. Producer batches get consecutive offsets from the log
    /// end, the leader epoch, and with <c>message.timestamp.type=LogAppendTime</c> the append time (and a
    /// new CRC); the records themselves are written exactly as received.
    /// <para>
    /// Batches with a producer id are checked against that producer's state, in order, each against the
    /// state including the earlier ones (see <see cref="ProducerStateManager"/>): a gap or a stale epoch
    /// refuses the whole append; a retry of batches already stored appends nothing and succeeds with the
    /// original offsets and <see cref="AppendResult.IsDuplicate"/>. A leader's batches
    /// (<see cref="AppendOrigin.Replication"/>) update the state without being refused.
    /// </para>
    /// </summary>
    public AppendResult Append(ReadOnlyMemory<byte> batches, int leaderEpoch, AppendOrigin origin = AppendOrigin.Client)
    {
        var config = Config;
        var mode = origin == AppendOrigin.Client ? BatchValidationMode.Produce : BatchValidationMode.Stored;
        var verdict = RecordBatchValidator.ValidateAll(batches.Span, config.MaxMessageBytes, mode, out var batchCount, out var recordCount);
        if (!verdict.IsValid)
        {
            return AppendResult.Failed(verdict, LogStartOffset);
        }

        if (batches.Length > config.SegmentBytes)
        {
            return AppendResult.Failed(ErrorCode.RecordListTooLarge, $"{batches.Length} bytes of batches exceed segment.bytes ({config.SegmentBytes})", LogStartOffset);
        }

        if (origin == AppendOrigin.Client && config.IsCompacted && CompactedRecordKeys.Check(batches.Span, TopicPartition.Topic) is { } keyless)
        {
            return AppendResult.Failed(keyless.Error, keyless.Message, LogStartOffset);
        }

        AppendResult result;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var prepared = _stamper.Stamp(batches, batchCount, _logEndOffset, leaderEpoch, origin, config, now, out var error);
            if (error is not null)
            {
                return AppendResult.Failed(ErrorCode.InvalidRecord, error, LogStartOffset);
            }

            var appended = _stamper.Appended(batchCount);
            var producers = _producers.Check(_stamper.Headers(batchCount), appended, origin);
            if (producers.Outcome != ProducerAppendOutcome.Accepted)
            {
                _stamper.Clear();
                return producers.Outcome == ProducerAppendOutcome.Duplicate
                    ? Duplicate(producers, config)
                    : AppendResult.Failed(producers.Error, producers.Message!, LogStartOffset);
            }

            var first = appended[0].BaseOffset;
            var last = appended[^1].LastOffset;
            var newest = appended[^1].MaxTimestamp;
            var active = RollIfNeeded(batches.Length, first, last, newest, now, config);
            active.Append(_stamper.Gather, appended, prepared);
            if (origin == AppendOrigin.Client)
            {
                LeaderEpochs.Assign(leaderEpoch, first);
            }
            else
            {
                foreach (var batch in appended)
                {
                    LeaderEpochs.Assign(batch.PartitionLeaderEpoch, batch.BaseOffset);
                }
            }

            _producers.Commit(last + 1);
            Volatile.Write(ref _logEndOffset, last + 1);
            var appendTime = origin == AppendOrigin.Client && config.MessageTimestampType == TimestampType.LogAppendTime ? now : RecordBatchLayout.NoTimestamp;
            result = new AppendResult(ErrorCode.None, null, first, last, appendTime, LogStartOffset, recordCount);
            _stamper.Clear();
        }

        if (LogEndOffset - FlushedOffset >= config.FlushMessages)
        {
            Flush();
        }

        return result;
    }

    /// <summary>Clean close: flushes, then trims every file to its data once its last reader is done.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        Flush();
        lock (_writeLock)
        {
            // The state as of the log end, so the next open replays nothing.
            _producers.TakeDurableSnapshot();
        }

        foreach (var segment in _segments)
        {
            segment.Close();
        }
    }

    private Segment RollIfNeeded(int appendBytes, long firstOffset, long lastOffset, long incomingTimestamp, long now, LogConfig config)
    {
        var active = _segments[^1];
        var fits = active.Size + appendBytes <= Math.Min(config.SegmentBytes, active.Capacity)
            || (active.IsEmpty && appendBytes <= active.Capacity);
        var aged = active.IsOlderThan(config.SegmentMs, incomingTimestamp, now);
        var offsetsFit = firstOffset >= active.BaseOffset && lastOffset - active.BaseOffset <= int.MaxValue;
        if (fits && !aged && !active.IsIndexFull && offsetsFit)
        {
            return active;
        }

        // The state as of the new segment's base offset, before the segment exists: creating it fsyncs
        // the directory, which makes the snapshot's name durable too.
        _producers.TakeSnapshot(firstOffset);
        var next = Segment.CreateNew(Directory, firstOffset, config, now);
        if (active.IsEmpty)
        {
            // Nothing to keep: replace the empty segment (its map may be too small, or its base offset wrong).
            Volatile.Write(ref _segments, [.. _segments.AsSpan(0, _segments.Length - 1), next]);
            active.MarkDeleted();
        }
        else
        {
            active.Seal();
            Volatile.Write(ref _segments, [.. _segments, next]);
        }

        DeleteUnneededSnapshots();
        _logger.LogDebug("Rolled {TopicPartition} to a new segment at offset {BaseOffset}", TopicPartition, firstOffset);
        return next;
    }

    /// <summary>Index of the last segment whose base offset is at most <paramref name="offset"/> (0 when none is).</summary>
    private static int FloorSegment(Segment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1, found = 0;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return found;
    }
}
