using LogBroker.Protocol;
using LogBroker.Protocol.Compression;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// A partition log in a temp directory with small segments, plus the moves tests make: append
/// (keys encode the offset each record should get), read everything back, close cleanly, or
/// "crash" (abandon the open log without closing it, as kill -9 would, and open the files again).
/// </summary>
internal sealed class LogHarness : IDisposable
{
    public static readonly TopicPartition Partition = new("events", 0);

    private readonly List<PartitionLog> _abandoned = [];

    public LogHarness(LogConfig? config = null)
    {
        Directory = new TempDirectory("log");
        Config = config ?? Small();
        Log = PartitionLog.Open(Path, Partition, Config, new LogOpenOptions(), NullLogger.Instance, Time);
    }

    public TempDirectory Directory { get; }

    public string Path => Directory.Combine(Partition.ToString());

    public ManualTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    public LogConfig Config { get; private set; }

    public PartitionLog Log { get; private set; }

    public static LogConfig Small(int segmentBytes = 16 * 1024) => new()
    {
        SegmentBytes = segmentBytes,
        IndexIntervalBytes = 512,
        SegmentIndexBytes = 4096,
        MaxMessageBytes = segmentBytes,
        RetentionMs = LogConfig.Forever,
    };

    /// <summary>Appends <paramref name="count"/> records whose keys are "k{offset}"; the high watermark follows.</summary>
    public AppendResult Append(int count, int valueSize = 40, CompressionType compression = CompressionType.None, long? timestamp = null)
    {
        var batch = TestBatches.Create(count, timestamp ?? Time.NowMs, valueSize, compression, firstIndex: (int)Log.LogEndOffset);
        var result = Log.Append(batch, leaderEpoch: 0);
        Assert.True(result.Succeeded, result.ErrorMessage);
        Log.UpdateHighWatermark(Log.LogEndOffset);
        return result;
    }

    /// <summary>Every record from the log start to the high watermark.</summary>
    public List<(long Offset, long Timestamp, string Key, string? Value)> ReadAll(int maxBytes = 4096) => ReadFrom(Log.LogStartOffset, maxBytes);

    public List<(long Offset, long Timestamp, string Key, string? Value)> ReadFrom(long offset, int maxBytes = 4096)
    {
        var records = new List<(long, long, string, string?)>();
        while (offset < Log.HighWatermark)
        {
            using var read = Log.Read(offset, maxBytes);
            Assert.Equal(Protocol.Errors.ErrorCode.None, read.Error);
            Assert.False(read.IsEmpty, $"read at {offset} below the high watermark {Log.HighWatermark} came back empty");
            var decoded = TestBatches.Decode(read.Records.Span);
            records.AddRange(decoded.Where(r => r.Offset >= offset));
            offset = Protocol.Batches.BatchCursor.NextOffsetAfter(read.Records.Span);
        }

        return records;
    }

    /// <summary>Asserts the log holds exactly offsets [start, end) with their "k{offset}" keys.</summary>
    public void AssertHoldsExactly(long start, long end)
    {
        Assert.Equal(start, Log.LogStartOffset);
        Assert.Equal(end, Log.LogEndOffset);
        var records = ReadAll();
        Assert.Equal(end - start, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(start + i, records[i].Offset);
            Assert.Equal($"k{start + i}", records[i].Key);
        }
    }

    public PartitionLog ReopenClean()
    {
        Log.Dispose();
        return Reopen(new LogOpenOptions { CleanShutdown = true, LogStartOffset = Log.LogStartOffset });
    }

    /// <summary>Leaves the open log as a killed process would (files as they are, nothing trimmed or flushed) and opens it again.</summary>
    public PartitionLog CrashAndReopen(long recoveryPoint = 0, LogConfig? config = null)
    {
        _abandoned.Add(Log);
        return Reopen(new LogOpenOptions { CleanShutdown = false, RecoveryPoint = recoveryPoint, LogStartOffset = Log.LogStartOffset }, config);
    }

    /// <summary>Opens the files again, as a restarted process would (the current instance must be closed or abandoned first).</summary>
    public PartitionLog Reopen(LogOpenOptions options, LogConfig? config = null)
    {
        Config = config ?? Config;
        Log = PartitionLog.Open(Path, Partition, Config, options, NullLogger.Instance, Time);
        return Log;
    }

    public string SegmentFile(long baseOffset, string extension) =>
        System.IO.Path.Combine(Path, Segments.SegmentFiles.FileName(baseOffset, extension));

    public void Dispose()
    {
        Log.Dispose();
        _abandoned.Clear();
        Directory.Dispose();
    }
}
