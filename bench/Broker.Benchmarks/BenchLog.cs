using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Compression;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogBroker.Benchmarks;

/// <summary>Shared set-up: a log in a temp directory and ~64 KiB batches of 100-byte records.</summary>
public static class BenchLog
{
    public const int RecordValueBytes = 100;

    public static string NewDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "logbroker-bench", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static PartitionLog Open(string directory, LogConfig config, bool clean = true) =>
        PartitionLog.Open(directory, new TopicPartition("bench", 0), config, new LogOpenOptions { CleanShutdown = clean }, NullLogger.Instance, TimeProvider.System);

    public static LogConfig OneGiBSegments => new()
    {
        SegmentBytes = 1 << 30,
        MaxMessageBytes = 1 << 20,
        RetentionMs = LogConfig.Forever,
    };

    /// <summary>
    /// A batch of 100-byte records with 8-byte keys filling about <paramref name="targetBytes"/>, from an
    /// idempotent producer when <paramref name="producer"/> is given.
    /// </summary>
    public static byte[] Batch(int targetBytes = 64 * 1024, BatchProducerFields? producer = null)
    {
        using var builder = new RecordBatchBuilder(initialCapacity: targetBytes + 1024);
        var value = new byte[RecordValueBytes];
        new Random(1).NextBytes(value);
        var key = new byte[8];
        var i = 0;
        while (builder.UncompressedSizeInBytes + 130 <= targetBytes)
        {
            BitConverter.TryWriteBytes(key, i);
            builder.Append(1_700_000_000_000 + i, key, value);
            i++;
        }

        return builder.Build(producer ?? BatchProducerFields.None).ToArray();
    }

    /// <summary>
    /// An LZ4 batch of 100-byte records whose uncompressed records section fills about
    /// <paramref name="targetBytes"/>: each value is a fixed 50-byte JSON-like prefix and 50 random
    /// letters, so the codec finds some, not all, redundancy (about 1.6:1).
    /// </summary>
    public static byte[] Lz4Batch(int targetBytes = 64 * 1024)
    {
        using var builder = new RecordBatchBuilder(CompressionType.Lz4, initialCapacity: targetBytes + 1024);
        var random = new Random(1);
        var value = new byte[RecordValueBytes];
        "{\"customer\":\"c-0000123\",\"status\":\"shipped\",\"note\":\""u8.CopyTo(value);
        var key = new byte[8];
        var i = 0;
        while (builder.UncompressedSizeInBytes + 130 <= targetBytes)
        {
            for (var b = 50; b < value.Length; b++)
            {
                value[b] = (byte)('a' + random.Next(26));
            }

            BitConverter.TryWriteBytes(key, i);
            builder.Append(1_700_000_000_000 + i, key, value);
            i++;
        }

        return builder.Build().ToArray();
    }

    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
