using System.Text;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>A record as read back: its offset, key, value (null for a tombstone) and timestamp.</summary>
internal readonly record struct StoredRecord(long Offset, string Key, string? Value, long Timestamp);

/// <summary>
/// A compacted log in a temp directory (<see cref="LogHarness"/>) with a cleaner over it, and a model of
/// what was written: every value is "{key}@{offset}", so a record read back names the offset it must
/// have, and the model knows the latest offset of every key.
/// </summary>
internal sealed class CleanerHarness : IDisposable
{
    private readonly Dictionary<long, (string Key, bool Tombstone)> _written = [];
    private readonly Dictionary<string, long> _latest = [];

    public CleanerHarness(LogConfig? config = null, CleanerOptions? options = null)
    {
        H = new LogHarness(config ?? Compacted());
        Options = options ?? SmallCleaner;
        Cleaner = NewCleaner();
    }

    public static CleanerOptions SmallCleaner { get; } = new() { DedupeBufferBytes = 4L * 1024 * 1024, BackoffInterval = TimeSpan.FromMilliseconds(20) };

    public LogHarness H { get; }

    public PartitionLog Log => H.Log;

    public CleanerOptions Options { get; }

    public LogCleaner Cleaner { get; private set; }

    /// <summary>Keys and the latest offset written for each.</summary>
    public IReadOnlyDictionary<string, long> Latest => _latest;

    public static LogConfig Compacted(int segmentBytes = 16 * 1024) => LogHarness.Small(segmentBytes) with
    {
        CleanupPolicy = CleanupPolicy.Compact,
        DeleteRetentionMs = (long)TimeSpan.FromHours(1).TotalMilliseconds,
    };

    /// <summary>A cleaner over this harness's log (whatever instance it is at the time), with its checkpoint in the temp directory.</summary>
    public LogCleaner NewCleaner() => new(H.Directory.Path, () => [H.Log], Options, NullLoggerFactory.Instance, H.Time);

    /// <summary>Replaces the cleaner, as a restarted process would have a new one.</summary>
    public void RestartCleaner()
    {
        Cleaner.Dispose();
        Cleaner = NewCleaner();
    }

    /// <summary>Appends one batch with a record per key (a tombstone where <paramref name="tombstones"/> says so); the high watermark follows.</summary>
    public AppendResult Append(IReadOnlyList<string> keys, CompressionType compression = CompressionType.None, Func<int, bool>? tombstones = null)
    {
        var first = Log.LogEndOffset;
        using var builder = new RecordBatchBuilder(compression);
        for (var i = 0; i < keys.Count; i++)
        {
            var tombstone = tombstones?.Invoke(i) ?? false;
            var value = tombstone ? default : Encoding.UTF8.GetBytes($"{keys[i]}@{first + i}");
            builder.Append(H.Time.NowMs, Encoding.UTF8.GetBytes(keys[i]), value, valueIsNull: tombstone);
        }

        var result = Log.Append(builder.Build(), leaderEpoch: 0);
        Assert.True(result.Succeeded, result.ErrorMessage);
        Assert.Equal(first, result.FirstOffset);
        for (var i = 0; i < keys.Count; i++)
        {
            _written[first + i] = (keys[i], tombstones?.Invoke(i) ?? false);
            _latest[keys[i]] = first + i;
        }

        Log.UpdateHighWatermark(Log.LogEndOffset);
        return result;
    }

    public AppendResult AppendTombstones(params string[] keys) => Append(keys, tombstones: _ => true);

    /// <summary>Appends batches of keys drawn from <paramref name="keySpace"/> until the log has at least <paramref name="sealedSegments"/> sealed segments.</summary>
    public void FillSegments(int sealedSegments, int keySpace, Random random, int batchSize = 20, string prefix = "k")
    {
        while (Log.SegmentCount <= sealedSegments)
        {
            Append([.. Enumerable.Range(0, batchSize).Select(_ => $"{prefix}{random.Next(keySpace)}")]);
        }
    }

    /// <summary>Every record from the log start to the high watermark, batch by batch (compaction leaves gaps), checking every batch's CRC.</summary>
    public List<StoredRecord> ReadAll() => ReadAll(Log);

    public static List<StoredRecord> ReadAll(PartitionLog log)
    {
        var records = new List<StoredRecord>();
        using var scratch = new PooledBufferWriter();
        var offset = log.LogStartOffset;
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, 64 * 1024);
            Assert.Equal(Protocol.Errors.ErrorCode.None, read.Error);
            Assert.False(read.IsEmpty, $"read at {offset} below the high watermark {log.HighWatermark} came back empty");
            var bytes = read.Records.Span;
            while (!bytes.IsEmpty)
            {
                var verdict = RecordBatchValidator.Validate(bytes, int.MaxValue, BatchValidationMode.Stored, out var size);
                Assert.True(verdict.IsValid, verdict.Message);
                var batch = new RecordBatch(bytes[..size]);
                Assert.True(batch.RecordsCount > 0, $"empty batch at {batch.BaseOffset}");
                foreach (var record in batch.GetRecords(scratch))
                {
                    if (record.Offset >= offset)
                    {
                        records.Add(new StoredRecord(record.Offset, Encoding.UTF8.GetString(record.Key), record.ValueIsNull ? null : Encoding.UTF8.GetString(record.Value), record.Timestamp));
                    }
                }

                offset = Math.Max(offset, batch.NextOffset);
                bytes = bytes[size..];
            }
        }

        return records;
    }

    /// <summary>
    /// The log holds only records that were written, each at its own offset, in increasing order, and
    /// the last record of every key is its latest write; a key may be missing only if its latest write
    /// was a tombstone and <paramref name="tombstonesMayBeGone"/>.
    /// </summary>
    public List<StoredRecord> AssertConsistent(bool tombstonesMayBeGone = false)
    {
        var records = ReadAll();
        var last = new Dictionary<string, StoredRecord>();
        long previous = -1;
        foreach (var record in records)
        {
            Assert.True(record.Offset > previous, $"offset {record.Offset} after {previous}");
            previous = record.Offset;
            Assert.True(_written.TryGetValue(record.Offset, out var written), $"offset {record.Offset} was never written");
            Assert.Equal(written.Key, record.Key);
            Assert.Equal(written.Tombstone ? null : $"{written.Key}@{record.Offset}", record.Value);
            last[record.Key] = record;
        }

        foreach (var (key, offset) in _latest)
        {
            if (last.TryGetValue(key, out var found))
            {
                Assert.Equal(offset, found.Offset);
            }
            else
            {
                Assert.True(tombstonesMayBeGone && _written[offset].Tombstone, $"key {key} (latest at offset {offset}) is missing");
            }
        }

        return records;
    }

    /// <summary>Records below <paramref name="end"/> hold each key at most once (what a cleaned range looks like).</summary>
    public static void AssertEachKeyOnceBelow(List<StoredRecord> records, long end)
    {
        var seen = new HashSet<string>();
        foreach (var record in records)
        {
            if (record.Offset < end)
            {
                Assert.True(seen.Add(record.Key), $"key {record.Key} appears twice below offset {end} (again at {record.Offset})");
            }
        }
    }

    public void Dispose()
    {
        Cleaner.Dispose();
        H.Dispose();
    }
}
