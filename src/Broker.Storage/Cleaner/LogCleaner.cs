using System.Collections.Concurrent;
using LogBroker.Protocol;
using LogBroker.Storage.Log;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage.Cleaner;

/// <summary>
/// Kafka's log cleaner: keeps every log whose <c>cleanup.policy</c> includes <c>compact</c> down to about
/// the latest record per key. Each round picks the dirtiest compacted log whose dirty ratio (see
/// <see cref="LogToClean"/>) reaches its <c>min.cleanable.dirty.ratio</c>, cleans it
/// (<see cref="Compactor"/>), and records in <c>cleaner-offset-checkpoint</c> where its dirty part now
/// starts. When no log qualifies the loop waits <see cref="CleanerOptions.BackoffInterval"/>.
/// <para>
/// Threading: one cleaning at a time, by the background loop (<see cref="Start"/>) or by a caller of
/// <see cref="CleanOnce"/> or <see cref="TryCleanLog"/>. A cleaning never blocks appends or reads except
/// for its swaps, a few renames under the log's write lock. A log whose cleaning fails on its data
/// (a bad CRC, a malformed record, a batch larger than the map) is left alone until restart, as Kafka
/// marks it uncleanable; I/O errors are retried at the next round.
/// </para>
/// <para>
/// Memory: the offset map (<see cref="CleanerOptions.DedupeBufferBytes"/>, allocated at the first
/// cleaning and kept) and pooled buffers of about <see cref="CleanerOptions.WriteBufferBytes"/> plus a
/// few batches. I/O: reads and writes share one <see cref="CleanerOptions.MaxIoBytesPerSecond"/> budget.
/// </para>
/// </summary>
public sealed class LogCleaner : IDisposable, IAsyncDisposable
{
    private readonly Func<IEnumerable<PartitionLog>> _logs;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CleanerCheckpoint _checkpoint;
    private readonly IoThrottle _throttle;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TopicPartition, string> _uncleanable = new();
    private Compactor? _compactor;
    private OffsetMap? _map;
    private SegmentRewriter? _rewriter;
    private volatile InProgress? _current;
    private Task? _loop;
    private int _disposed;

    /// <param name="dataDirectory">Where <c>cleaner-offset-checkpoint</c> lives.</param>
    /// <param name="logs">The logs to consider, read afresh at every round.</param>
    public LogCleaner(string dataDirectory, Func<IEnumerable<PartitionLog>> logs, CleanerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _logs = logs;
        Options = options;
        _logger = loggerFactory.CreateLogger<LogCleaner>();
        _time = time;
        _checkpoint = CleanerCheckpoint.Load(dataDirectory, _logger);
        _throttle = new IoThrottle(options.MaxIoBytesPerSecond);
    }

    public CleanerOptions Options { get; }

    /// <summary>Partitions left alone after their cleaning failed on their data, with the reason.</summary>
    public IReadOnlyDictionary<TopicPartition, string> UncleanablePartitions => _uncleanable;

    /// <summary>A test's stand-in for a crash: when it returns true at a stage of a swap, the cleaning stops there and leaves every file as it is.</summary>
    internal Func<SegmentSwap.Stage, bool>? HaltAt { get; set; }

    /// <summary>Where the dirty part of <paramref name="partition"/> starts, as checkpointed; null if it was never cleaned.</summary>
    public long? FirstDirtyOffset(TopicPartition partition) => _checkpoint.FirstDirtyOffset(partition);

    /// <summary>Starts the background loop.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _loop ??= Task.Run(RunAsync);
    }

    /// <summary>
    /// One round: cleans the dirtiest compacted log whose dirty ratio reaches its
    /// <c>min.cleanable.dirty.ratio</c>. Returns what the cleaning did, or null when no log qualified or
    /// the cleaning failed (the failure is logged).
    /// </summary>
    public CleanerStats? CleanOnce()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        LogToClean? dirtiest = null;
        foreach (var log in _logs())
        {
            var config = log.Config;
            if (!config.IsCompacted || _uncleanable.ContainsKey(log.TopicPartition))
            {
                continue;
            }

            var candidate = LogToClean.Create(log, _checkpoint.FirstDirtyOffset(log.TopicPartition), now);
            if (candidate.DirtyBytes > 0 && candidate.DirtyRatio >= config.MinCleanableDirtyRatio && (dirtiest is null || candidate.DirtyRatio > dirtiest.DirtyRatio))
            {
                dirtiest = candidate;
            }
        }

        return dirtiest is null ? null : Clean(dirtiest.Log, rethrow: false);
    }

    /// <summary>
    /// Cleans <paramref name="log"/> now, whatever its dirty ratio, if it is compacted and has sealed
    /// segments the cleaner may touch (for tests, benchmarks and tools). Returns null when there was
    /// nothing to clean; a failure is thrown.
    /// </summary>
    public CleanerStats? TryCleanLog(PartitionLog log) => Clean(log, rethrow: true);

    /// <summary>Stops the loop (and any cleaning in progress) and waits for it.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        await _gate.WaitAsync();
        _compactor?.Dispose();
        _rewriter?.Dispose();
        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Before a partition's log is deleted: stops a cleaning of it in progress, waits until none runs,
    /// and forgets its checkpoint so a new log of the same name starts dirty from its start.
    /// </summary>
    internal void Forget(TopicPartition partition)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            _checkpoint.Remove(partition); // no cleaning runs any more, and the gate stays taken
            return;
        }

        if (_current is { } current && current.Partition == partition)
        {
            try
            {
                current.Abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // that cleaning just ended
            }
        }

        _gate.Wait();
        try
        {
            _checkpoint.Remove(partition);
            _uncleanable.TryRemove(partition, out _);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether a cleaning of <paramref name="partition"/> is under way (retention then leaves the log alone, as Kafka's does).</summary>
    internal bool IsCleaning(TopicPartition partition) => _current is { } current && current.Partition == partition;

    /// <summary>A log was truncated to <paramref name="logEndOffset"/>: offsets from there on are dirty again.</summary>
    internal void OnTruncated(PartitionLog log, long logEndOffset) => _checkpoint.Truncate(log.TopicPartition, logEndOffset);

    private CleanerStats? Clean(PartitionLog log, bool rethrow)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!log.Config.IsCompacted)
        {
            return null;
        }

        _gate.Wait(_stopping.Token);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var partition = log.TopicPartition;
        _current = new InProgress(partition, abort);
        LogToClean? target = null;
        try
        {
            var truncations = _checkpoint.TruncationCount(partition);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            target = LogToClean.Create(log, _checkpoint.FirstDirtyOffset(partition), now);
            if (target.Cleanable.Length == 0)
            {
                return null;
            }

            _logger.LogInformation(
                "Cleaning {TopicPartition}: dirty ratio {DirtyRatio:F3} ({DirtyBytes} dirty of {TotalBytes} bytes), dirty offsets from {FirstDirtyOffset} up to {FirstUncleanableOffset}",
                partition,
                target.DirtyRatio,
                target.DirtyBytes,
                target.CleanBytes + target.DirtyBytes,
                target.FirstDirtyOffset,
                target.FirstUncleanableOffset);
            var stats = CompactorFor().Clean(target, now, HaltAt, abort.Token);
            if (stats.Halted)
            {
                return stats;
            }

            if (stats.Aborted)
            {
                _logger.LogInformation("Cleaning {TopicPartition} stopped after {Elapsed} ms: the log changed under it (retention or truncation)", partition, (long)stats.Duration.TotalMilliseconds);
                return stats;
            }

            _checkpoint.TryAdvance(partition, stats.EndOffset, truncations);
            LogCleaned(partition, stats);
            return stats;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            _logger.LogInformation("Cleaning {TopicPartition} was stopped", partition);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException && target is not null && target.LostItsLastSegment())
        {
            // A truncation zeroed the tail of a segment being read: a race, not damage. Retry next round.
            _logger.LogInformation("Cleaning {TopicPartition} stopped: the log changed under it ({Message})", partition, e.Message);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or (InvalidOperationException and not ObjectDisposedException))
        {
            _uncleanable[partition] = e.Message;
            _logger.LogError(e, "Cleaning {TopicPartition} failed on its data; it is not cleaned again until restart", partition);
            if (rethrow)
            {
                throw;
            }

            return null;
        }
        catch (Exception e) when (!rethrow && e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _logger.LogError(e, "Cleaning {TopicPartition} failed; will retry", partition);
            return null;
        }
        finally
        {
            _current = null;
            _gate.Release();
        }
    }

    private Compactor CompactorFor()
    {
        if (_compactor is null)
        {
            _map = new OffsetMap(Options.DedupeBufferBytes, Options.DedupeBufferLoadFactor);
            _rewriter = new SegmentRewriter(Options.WriteBufferBytes);
            _compactor = new Compactor(_map, _rewriter, _throttle);
        }

        return _compactor;
    }

    private void LogCleaned(TopicPartition partition, CleanerStats stats)
    {
        var seconds = Math.Max(stats.Duration.TotalSeconds, 1e-6);
        _logger.LogInformation(
            "Cleaned {TopicPartition} in {Elapsed} ms: {BytesRead} bytes in, {BytesWritten} out ({Reduction:P1} smaller), {RecordsRetained} of {RecordsRead} records kept, {TombstonesRemoved} tombstones removed, {SegmentsRead} segments into {SegmentsWritten}, {KeysMapped} keys mapped up to offset {EndOffset}, {MBps:F1} MB/s",
            partition,
            (long)stats.Duration.TotalMilliseconds,
            stats.BytesRead,
            stats.BytesWritten,
            stats.BytesRead == 0 ? 0 : 1 - ((double)stats.BytesWritten / stats.BytesRead),
            stats.RecordsRetained,
            stats.RecordsRead,
            stats.TombstonesRemoved,
            stats.SegmentsRead,
            stats.SegmentsWritten,
            stats.KeysMapped,
            stats.EndOffset,
            stats.BytesRead / seconds / 1e6);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            CleanerStats? stats = null;
            try
            {
                stats = CleanOnce();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Log cleaner round failed; will retry");
            }

            if (stats is null || stats.Aborted)
            {
                try
                {
                    await Task.Delay(Options.BackoffInterval, _time, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>The cleaning under way, so that deleting its log can stop it.</summary>
    private sealed record InProgress(TopicPartition Partition, CancellationTokenSource Abort);
}
