using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Storage.Segments;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Benchmarks;

/// <summary>
/// LogCleaner.TryCleanLog of a wholly dirty compacted log of about 256 MiB: four sealed 64 MiB
/// segments of 64 KiB batches, 100-byte values under 8-byte keys drawn from 100,000 (about 2.2 M
/// records, so about 22 updates per key). One cleaning maps every key (MD5 of each), rewrites every
/// segment (MD5 again, raw copy of the records kept), fsyncs the four new segments and swaps them in.
/// Throughput = dirty bytes / mean time. Every iteration cleans a fresh copy of the same dirty log
/// (hard links made in the iteration set-up, not measured) under a new partition number, so the one
/// cleaner (and its 64 MiB dedupe buffer, allocated in the first warm-up) sees it as never cleaned.
/// </summary>
[MemoryDiagnoser]
public class CompactionBenchmarks
{
    private const int SegmentBytes = 64 << 20;
    private const int Keys = 100_000;
    private string _template = string.Empty;
    private string _checkpoints = string.Empty;
    private string _directory = string.Empty;
    private LogCleaner _cleaner = null!;
    private PartitionLog? _log;
    private int _iteration;

    /// <summary>Bytes of the sealed segments one cleaning goes through.</summary>
    public long DirtyBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _template = BenchLog.NewDirectory("compaction-template");
        using (var log = PartitionLog.Open(_template, new TopicPartition("bench", 0), Config, new LogOpenOptions { CleanShutdown = true }, NullLogger.Instance, TimeProvider.System))
        {
            var random = new Random(1);
            var value = new byte[BenchLog.RecordValueBytes];
            random.NextBytes(value);
            var key = new byte[8];
            using var builder = new RecordBatchBuilder(initialCapacity: 80 * 1024);
            while (log.SegmentCount < 5)
            {
                builder.Reset();
                while (builder.UncompressedSizeInBytes + 130 <= 64 * 1024)
                {
                    BitConverter.TryWriteBytes(key, (long)random.Next(Keys));
                    builder.Append(1_700_000_000_000, key, value);
                }

                log.Append(builder.Build(), leaderEpoch: 0);
            }

            DirtyBytes = log.SizeInBytes - log.Segments[^1].SizeInBytes;
        }

        _checkpoints = BenchLog.NewDirectory("compaction-checkpoints");
        _cleaner = new LogCleaner(_checkpoints, () => [], new CleanerOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        Console.WriteLine($"// dirty log: {DirtyBytes} bytes in 4 sealed segments");
    }

    [IterationSetup]
    public void CopyDirtyLog()
    {
        _iteration++;
        _directory = BenchLog.NewDirectory("compaction");
        Directory.Delete(_directory);
        using (var cp = Process.Start("cp", ["-al", _template, _directory]))
        {
            cp.WaitForExit();
        }

        // The active segment is opened writable (and pre-allocated): give it its own copy of the files.
        var active = Directory.GetFiles(_directory, "*" + SegmentFiles.LogExtension).Max()!;
        foreach (var extension in (string[])[SegmentFiles.LogExtension, SegmentFiles.IndexExtension, SegmentFiles.TimeIndexExtension])
        {
            var path = Path.ChangeExtension(active, extension);
            File.Copy(Path.Combine(_template, Path.GetFileName(path)), path + ".copy");
            File.Move(path + ".copy", path, overwrite: true);
        }

        _log = PartitionLog.Open(_directory, new TopicPartition("bench", _iteration), Config, new LogOpenOptions { CleanShutdown = true }, NullLogger.Instance, TimeProvider.System);
    }

    [Benchmark(Description = "Clean 256 MiB dirty log")]
    public long Clean_256MiB_dirty_log_of_100_byte_values_over_100k_keys()
    {
        var stats = _cleaner.TryCleanLog(_log!) ?? throw new InvalidOperationException("nothing was cleaned");
        return stats.BytesWritten;
    }

    [IterationCleanup]
    public void DeleteCopy()
    {
        _log?.Dispose();
        _log = null;
        BenchLog.Delete(_directory);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cleaner.Dispose();
        BenchLog.Delete(_template);
        BenchLog.Delete(_checkpoints);
    }

    private static LogConfig Config => new()
    {
        SegmentBytes = SegmentBytes,
        MaxMessageBytes = 1 << 20,
        RetentionMs = LogConfig.Forever,
        CleanupPolicy = CleanupPolicy.Compact,
    };
}
