using System.Collections.Concurrent;
using LogBroker.Protocol;
using LogBroker.Storage.Checkpoints;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Logging;

namespace LogBroker.Storage;

/// <summary>
/// Owns every partition log in the data directory: opens them all at start-up (in parallel, recovering
/// what an unclean stop left), creates and deletes them, runs the background flush, retention, producer expiry and
/// checkpoint loops and the log cleaner, and on shutdown stops the cleaner, flushes everything, writes
/// the checkpoints and leaves the <c>.clean-shutdown</c> marker that lets the next start skip recovery.
/// </summary>
public sealed class LogManager : IAsyncDisposable
{
    public const string CleanShutdownFileName = ".clean-shutdown";
    public const string RecoveryPointCheckpointFileName = "recovery-point-offset-checkpoint";
    public const string LogStartOffsetCheckpointFileName = "log-start-offset-checkpoint";
    private const string DeleteSuffix = "-delete";

    private readonly ConcurrentDictionary<TopicPartition, PartitionLog> _logs = new();
    private readonly ConcurrentDictionary<TopicPartition, PartitionLogScope> _scopes = new();
    private readonly LogManagerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _checkpointLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly LogCleaner _cleaner;
    private int _disposed;

    private LogManager(LogManagerOptions options, ILoggerFactory loggerFactory, TimeProvider time, bool hadCleanShutdown)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LogManager>();
        _time = time;
        HadCleanShutdown = hadCleanShutdown;
        _cleaner = new LogCleaner(options.DataDirectory, () => _logs.Values, options.Cleaner, loggerFactory, time);
    }

    public string DataDirectory => _options.DataDirectory;

    /// <summary>True when the previous process left the clean-shutdown marker.</summary>
    public bool HadCleanShutdown { get; }

    public ICollection<PartitionLog> Logs => _logs.Values;

    /// <summary>The cleaner of compacted logs; its loop runs once <see cref="StartBackgroundTasks"/> was called (if enabled).</summary>
    public LogCleaner Cleaner => _cleaner;

    /// <summary>
    /// Opens every partition directory under the data directory. <paramref name="configFor"/> gives a
    /// topic's config (null: the defaults).
    /// </summary>
    public static LogManager Open(LogManagerOptions options, Func<string, LogConfig?> configFor, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var marker = Path.Combine(options.DataDirectory, CleanShutdownFileName);
        var clean = File.Exists(marker);
        var manager = new LogManager(options, loggerFactory, time, clean);
        var recoveryPoints = ReadCheckpoint(Path.Combine(options.DataDirectory, RecoveryPointCheckpointFileName), manager._logger);
        var logStarts = ReadCheckpoint(Path.Combine(options.DataDirectory, LogStartOffsetCheckpointFileName), manager._logger);

        var directories = new List<(TopicPartition Partition, string Path)>();
        foreach (var path in Directory.EnumerateDirectories(options.DataDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(DeleteSuffix, StringComparison.Ordinal))
            {
                Directory.Delete(path, recursive: true); // a deletion interrupted by a stop
            }
            else if (TopicPartition.TryParse(name, out var tp))
            {
                directories.Add((tp, path));
            }
        }

        var started = time.GetTimestamp();
        Parallel.ForEach(directories, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.RecoveryThreads) }, entry =>
        {
            var config = configFor(entry.Partition.Topic) ?? options.DefaultConfig;
            var open = new LogOpenOptions
            {
                CleanShutdown = clean,
                RecoveryPoint = recoveryPoints.GetValueOrDefault(entry.Partition),
                LogStartOffset = logStarts.GetValueOrDefault(entry.Partition),
                ProducerIdExpiration = options.ProducerIdExpiration,
            };
            using var scope = manager.PartitionScope(entry.Partition); // recovery's warnings name their partition
            var log = PartitionLog.Open(entry.Path, entry.Partition, config, open, loggerFactory.CreateLogger<PartitionLog>(), time);
            log.TruncationObserver = manager._cleaner.OnTruncated;
            manager._logs[entry.Partition] = log;
        });

        manager._logger.LogInformation(
            "Opened {Count} partition log(s) in {Elapsed} ms after a{Kind} shutdown",
            directories.Count,
            (long)time.GetElapsedTime(started).TotalMilliseconds,
            clean ? " clean" : "n unclean");

        // From here on, a crash must make the next start recover.
        File.Delete(marker);
        manager.WriteCheckpoints();
        return manager;
    }

    /// <summary>Starts the flush, retention, producer expiry and checkpoint loops, and the cleaner's unless it is disabled.</summary>
    public void StartBackgroundTasks()
    {
        _loops.Add(RunLoop("flush", _options.FlushCheckInterval, FlushDueLogs));
        _loops.Add(RunLoop("retention", _options.RetentionCheckInterval, () => ApplyRetention()));
        _loops.Add(RunLoop("producer-expiration", _options.ProducerIdExpirationCheckInterval, () => RemoveExpiredProducers()));
        _loops.Add(RunLoop("checkpoint", _options.CheckpointInterval, WriteCheckpoints));
        _loops.Add(RunLoop("resident-trim", _options.ResidentPagesTrimInterval, ReleaseResidentPages));
        if (_options.Cleaner.Enabled)
        {
            _cleaner.Start();
        }
    }

    public bool TryGetLog(TopicPartition partition, out PartitionLog log) => _logs.TryGetValue(partition, out log!);

    /// <summary>The partition's log, created empty if it does not exist yet.</summary>
    public PartitionLog GetOrCreateLog(TopicPartition partition, LogConfig config)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _logs.GetOrAdd(partition, tp =>
        {
            var log = PartitionLog.Open(
                Path.Combine(_options.DataDirectory, tp.ToString()),
                tp,
                config,
                new LogOpenOptions { CleanShutdown = true, ProducerIdExpiration = _options.ProducerIdExpiration },
                _loggerFactory.CreateLogger<PartitionLog>(),
                _time);
            log.TruncationObserver = _cleaner.OnTruncated;
            return log;
        });
    }

    /// <summary>
    /// Removes a partition's log: closes it and deletes its directory. The directory is first renamed
    /// with a <c>-delete</c> suffix so a stop mid-way finishes the job at the next start. Reads in
    /// flight keep their mapped segments until they finish. A cleaning of the log is stopped first, so
    /// no cleaner file is written into the directory while it goes.
    /// </summary>
    public bool DeleteLog(TopicPartition partition)
    {
        if (!_logs.TryRemove(partition, out var log))
        {
            return false;
        }

        _cleaner.Forget(partition);
        _scopes.TryRemove(partition, out _);
        log.Dispose();
        var doomed = log.Directory + "." + Guid.NewGuid().ToString("N") + DeleteSuffix;
        Directory.Move(log.Directory, doomed);
        Directory.Delete(doomed, recursive: true);
        WriteCheckpoints();
        return true;
    }

    /// <summary>
    /// One retention pass over every log; returns the segments deleted. A compacted log the cleaner is
    /// rewriting is skipped until the next pass, as Kafka skips it: deleting its oldest segments would
    /// make the cleaning give up its work at the swap.
    /// </summary>
    public int ApplyRetention()
    {
        var deleted = 0;
        foreach (var (_, log) in _logs)
        {
            if (_cleaner.IsCleaning(log.TopicPartition))
            {
                continue;
            }

            using var scope = PartitionScope(log);
            try
            {
                deleted += log.DeleteRetentionBreachedSegments();
            }
            catch (ObjectDisposedException)
            {
                // deleted concurrently
            }
        }

        if (deleted > 0)
        {
            WriteCheckpoints();
        }

        return deleted;
    }

    /// <summary>One pass of producer expiry over every log (see <see cref="PartitionLog.RemoveExpiredProducers"/>); returns the producers forgotten.</summary>
    public int RemoveExpiredProducers()
    {
        var removed = 0;
        foreach (var (_, log) in _logs)
        {
            removed += log.RemoveExpiredProducers();
        }

        return removed;
    }

    /// <summary>Flushes every log whose oldest unflushed data is older than its <c>flush.ms</c>.</summary>
    public void FlushDueLogs()
    {
        var flushed = false;
        foreach (var (_, log) in _logs) // not Values: that copies every log into a new list on each pass
        {
            using var scope = PartitionScope(log);
            try
            {
                flushed |= log.FlushIfDue();
            }
            catch (ObjectDisposedException)
            {
                // deleted concurrently
            }
        }

        if (flushed)
        {
            WriteCheckpoints();
        }
    }

    /// <summary>Releases pages reads mapped in, for every log (see <see cref="PartitionLog.ReleaseResidentPages"/>).</summary>
    public void ReleaseResidentPages()
    {
        foreach (var (_, log) in _logs)
        {
            try
            {
                log.ReleaseResidentPages();
            }
            catch (ObjectDisposedException)
            {
                // deleted concurrently
            }
        }
    }

    /// <summary>Writes the recovery-point and log-start-offset checkpoints for every open log.</summary>
    public void WriteCheckpoints()
    {
        lock (_checkpointLock)
        {
            var logs = _logs.ToArray();
            OffsetCheckpointFile.Write(
                Path.Combine(_options.DataDirectory, RecoveryPointCheckpointFileName),
                logs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.RecoveryPoint)));
            OffsetCheckpointFile.Write(
                Path.Combine(_options.DataDirectory, LogStartOffsetCheckpointFileName),
                logs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.LogStartOffset)));
        }
    }

    /// <summary>Clean shutdown: stops the loops, flushes and closes every log, writes checkpoints and the clean-shutdown marker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);

        // Before the logs close: a cleaning in progress stops and discards its unfinished segment.
        await _cleaner.DisposeAsync();
        var corrupt = false;
        foreach (var log in _logs.Values)
        {
            log.Dispose();
            corrupt |= log.HasCorruption;
        }

        WriteCheckpoints();
        if (corrupt)
        {
            _logger.LogWarning("Corruption was found while serving reads: not marking a clean shutdown, so the next start recovers");
        }
        else
        {
            AtomicFile.WriteText(Path.Combine(_options.DataDirectory, CleanShutdownFileName), string.Empty);
        }

        _stopping.Dispose();
    }

    /// <summary>Puts the partition in the logging scope, so every line logged while working on it carries Topic and Partition.</summary>
    private IDisposable? PartitionScope(PartitionLog log) => PartitionScope(log.TopicPartition);

    private IDisposable? PartitionScope(TopicPartition partition) =>
        _logger.BeginScope(_scopes.GetOrAdd(partition, static tp => new PartitionLogScope(tp)));

    private Task RunLoop(string name, TimeSpan interval, Action work) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    work();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    _logger.LogError(e, "Log manager {Loop} pass failed; will retry", name);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    });

    private static Dictionary<TopicPartition, long> ReadCheckpoint(string path, ILogger logger)
    {
        try
        {
            return OffsetCheckpointFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            // A damaged checkpoint only costs a longer recovery: offsets default to 0, so everything is scanned.
            logger.LogWarning(e, "Ignoring damaged checkpoint {Path}", path);
            return [];
        }
    }
}
