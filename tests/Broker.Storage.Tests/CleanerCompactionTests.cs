using System.Buffers.Text;
using System.Text;
using LogBroker.Protocol;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Compression;
using LogBroker.Storage.Cleaner;
using LogBroker.Storage.Config;
using LogBroker.Storage.Log;
using LogBroker.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LogBroker.Storage.Tests;

public class CleanerCompactionTests
{
    [Fact]
    public void A_million_updates_over_ten_thousand_keys_compact_to_the_latest_value_per_key_with_offsets_preserved()
    {
        const int Keys = 10_000;
        const int Batches = 1000;
        const int PerBatch = 1000;
        var config = CleanerHarness.Compacted(segmentBytes: 1024 * 1024) with { IndexIntervalBytes = 4096, SegmentIndexBytes = 64 * 1024 };
        using var c = new CleanerHarness(config, CleanerHarness.SmallCleaner with { DedupeBufferBytes = 1024 * 1024 });
        var random = new Random(42);
        var keyAt = new int[Batches * PerBatch];
        var latest = new long[Keys];
        using var builder = new RecordBatchBuilder(CompressionType.None, 32 * 1024);
        Span<byte> key = stackalloc byte[16];
        Span<byte> value = stackalloc byte[16];
        for (var b = 0; b < Batches; b++)
        {
            builder.Reset();
            var first = c.Log.LogEndOffset;
            for (var i = 0; i < PerBatch; i++)
            {
                var offset = first + i;
                var k = random.Next(Keys);
                keyAt[offset] = k;
                latest[k] = offset;
                key[0] = (byte)'k';
                Utf8Formatter.TryFormat(k, key[1..], out var keyLength);
                Utf8Formatter.TryFormat(offset, value, out var valueLength);
                builder.Append(c.H.Time.NowMs, key[..(keyLength + 1)], value[..valueLength]);
            }

            Assert.True(c.Log.Append(builder.Build(), 0).Succeeded);
        }

        c.Log.UpdateHighWatermark(c.Log.LogEndOffset);
        var active = c.Log.Segments[^1];
        Assert.True(c.Log.SegmentCount > 10, $"{c.Log.SegmentCount} segments");
        var before = c.Log.SizeInBytes;

        var stats = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(stats);
        Assert.False(stats.Aborted);
        Assert.Equal(active.BaseOffset, stats.EndOffset);
        Assert.Equal(active.BaseOffset, c.Cleaner.FirstDirtyOffset(LogHarness.Partition));
        Assert.True(c.Log.SizeInBytes < before / 10, $"{c.Log.SizeInBytes} bytes left of {before}");
        Assert.Equal(active, c.Log.Segments[^1]);

        var records = Read(c.Log);
        var seenBelow = new HashSet<int>();
        var lastSeen = new long[Keys];
        Array.Fill(lastSeen, -1);
        long previous = -1;
        var latestBelow = new long[Keys];
        Array.Fill(latestBelow, -1);
        for (var offset = 0; offset < active.BaseOffset; offset++)
        {
            latestBelow[keyAt[offset]] = offset;
        }

        foreach (var (offset, k, storedValue) in records)
        {
            Assert.True(offset > previous);
            previous = offset;
            Assert.Equal(keyAt[offset], k);
            Assert.Equal(offset, storedValue); // every record keeps its own offset
            if (offset < active.BaseOffset)
            {
                Assert.True(seenBelow.Add(k), $"key {k} twice in the cleaned part");
                Assert.Equal(latestBelow[k], offset);
            }

            lastSeen[k] = offset;
        }

        Assert.Equal(latest, lastSeen); // reading the whole log ends with every key's latest value
        Assert.Equal(Batches * PerBatch - active.BaseOffset, records.Count(r => r.Offset >= active.BaseOffset));
    }

    [Fact]
    public void Compressed_batches_are_recompressed_with_their_codec_and_keep_their_header_fields()
    {
        using var c = new CleanerHarness();
        var random = new Random(3);
        while (c.Log.SegmentCount < 5)
        {
            c.Append([.. Enumerable.Range(0, 30).Select(_ => $"k{random.Next(40)}")], CompressionType.Lz4);
        }

        var originals = BatchHeaders(c.Log);

        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));

        var records = c.AssertConsistent();
        CleanerHarness.AssertEachKeyOnceBelow(records, c.Log.Segments[^1].BaseOffset);
        foreach (var (baseOffset, header) in BatchHeaders(c.Log))
        {
            var original = originals[baseOffset];
            Assert.Equal(CompressionType.Lz4, new BatchAttributes(header.Attributes).Compression);
            Assert.Equal(original with { RecordsCount = header.RecordsCount }, header);
            Assert.True(header.RecordsCount <= original.RecordsCount);
        }
    }

    [Fact]
    public void A_dedupe_buffer_too_small_for_the_dirty_range_cleans_it_over_several_rounds()
    {
        // 1000 keys, room for about 300 in the map: each round maps what fits and cleans up to there.
        using var c = new CleanerHarness(options: CleanerHarness.SmallCleaner with { DedupeBufferBytes = OffsetMap.BytesPerEntry * 340 });
        var random = new Random(5);
        c.FillSegments(sealedSegments: 12, keySpace: 1000, random);
        var end = c.Log.Segments[^1].BaseOffset;

        var rounds = 0;
        while (c.Cleaner.FirstDirtyOffset(LogHarness.Partition) is not { } dirty || dirty < end)
        {
            var stats = c.Cleaner.TryCleanLog(c.Log);
            Assert.NotNull(stats);
            Assert.True(stats.KeysMapped <= 306, $"{stats.KeysMapped} keys mapped");
            Assert.True(stats.EndOffset > stats.FirstDirtyOffset, "a round made no progress");
            rounds++;
            Assert.True(rounds < 100);
        }

        Assert.True(rounds > 2, $"{rounds} rounds");
        var records = c.AssertConsistent();
        CleanerHarness.AssertEachKeyOnceBelow(records, end);
    }

    [Fact]
    public void The_cleaner_never_touches_the_active_segment_data_above_the_high_watermark_or_within_the_compaction_lag()
    {
        var config = CleanerHarness.Compacted() with { MinCompactionLagMs = (long)TimeSpan.FromHours(1).TotalMilliseconds };
        using var c = new CleanerHarness(config);
        c.FillSegments(sealedSegments: 6, keySpace: 10, new Random(9));

        Assert.Null(c.Cleaner.TryCleanLog(c.Log)); // everything is younger than the lag

        c.H.Time.Advance(TimeSpan.FromHours(2));
        c.Append(["k1", "k2"]);
        var segments = c.Log.Segments;
        c.Log.UpdateHighWatermark(segments[3].NextOffset);
        var stats = c.Cleaner.TryCleanLog(c.Log);

        Assert.NotNull(stats);
        Assert.Equal(segments[3].NextOffset, stats.EndOffset);
        var after = c.Log.Segments;
        Assert.Equal(segments.Skip(4), after.Skip(after.Count - (segments.Count - 4)));
        c.Log.UpdateHighWatermark(c.Log.LogEndOffset);
        c.AssertConsistent();
    }

    [Fact]
    public void CleanOnce_picks_the_dirtiest_log_whose_ratio_reaches_its_min_cleanable_dirty_ratio()
    {
        using var dir = new TempDirectory("cleaner");
        var time = new ManualTimeProvider();
        var config = CleanerHarness.Compacted();
        using var a = Open(dir, "a", config, time);
        using var b = Open(dir, "b", config, time);
        using var strict = Open(dir, "strict", config with { MinCleanableDirtyRatio = 0.9 }, time);
        using var cleaner = new LogCleaner(dir.Path, () => [a, b, strict], CleanerHarness.SmallCleaner, NullLoggerFactory.Instance, time);
        var next = 0;
        void AddSealedSegments(PartitionLog log, int count)
        {
            // Keys never repeat, so cleaning keeps every byte and the ratio is a ratio of segment counts.
            var target = log.SegmentCount + count;
            while (log.SegmentCount < target)
            {
                log.Append(TestBatches.FromPairs(Enumerable.Range(0, 20).Select(_ => ($"u{next++}", (string?)"value"))), 0);
                log.UpdateHighWatermark(log.LogEndOffset);
            }
        }

        foreach (var log in (PartitionLog[])[a, b, strict])
        {
            AddSealedSegments(log, 6);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(cleaner.CleanOnce()); // wholly dirty (ratio 1): each is cleaned once
        }

        Assert.Null(cleaner.CleanOnce());

        AddSealedSegments(a, 8);      // about 8 dirty of 14
        AddSealedSegments(b, 12);     // about 12 of 18: the dirtiest
        AddSealedSegments(strict, 12); // as dirty, but below its own 0.9
        var aClean = cleaner.FirstDirtyOffset(a.TopicPartition);
        var bClean = cleaner.FirstDirtyOffset(b.TopicPartition);
        var strictClean = cleaner.FirstDirtyOffset(strict.TopicPartition);

        var first = cleaner.CleanOnce();
        Assert.NotNull(first);
        Assert.True(first.DirtyRatio is > 0.6 and < 0.9, $"ratio {first.DirtyRatio}");
        Assert.Equal(aClean, cleaner.FirstDirtyOffset(a.TopicPartition));
        Assert.NotEqual(bClean, cleaner.FirstDirtyOffset(b.TopicPartition));

        var second = cleaner.CleanOnce();
        Assert.NotNull(second);
        Assert.True(second.DirtyRatio is > 0.5 and < 0.6, $"ratio {second.DirtyRatio}");
        Assert.NotEqual(aClean, cleaner.FirstDirtyOffset(a.TopicPartition));

        Assert.Null(cleaner.CleanOnce());
        Assert.Equal(strictClean, cleaner.FirstDirtyOffset(strict.TopicPartition));
    }

    private static PartitionLog Open(TempDirectory dir, string topic, LogConfig config, ManualTimeProvider time) =>
        PartitionLog.Open(dir.Combine($"{topic}-0"), new TopicPartition(topic, 0), config, new LogOpenOptions(), NullLogger.Instance, time);

    [Fact]
    public void A_compacted_topic_refuses_records_without_a_key_compressed_or_not()
    {
        using var c = new CleanerHarness();
        foreach (var compression in (CompressionType[])[CompressionType.None, CompressionType.Lz4])
        {
            using var builder = new RecordBatchBuilder(compression);
            builder.Append(c.H.Time.NowMs, "k1"u8, "v"u8);
            builder.Append(c.H.Time.NowMs, default, "no key"u8, keyIsNull: true);

            var result = c.Log.Append(builder.Build(), 0);

            Assert.Equal(Protocol.Errors.ErrorCode.InvalidRecord, result.Error);
            Assert.StartsWith("compacted topic 'events' requires a key on every record", result.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(0, c.Log.LogEndOffset);
        }

        using var keyed = new RecordBatchBuilder(CompressionType.Lz4);
        keyed.Append(c.H.Time.NowMs, "k1"u8, "v"u8);
        Assert.True(c.Log.Append(keyed.Build(), 0).Succeeded);
    }

    [Fact]
    public void A_delete_topic_still_takes_records_without_a_key()
    {
        using var h = new LogHarness();
        using var builder = new RecordBatchBuilder(CompressionType.Lz4);
        builder.Append(h.Time.NowMs, default, "no key"u8, keyIsNull: true);

        Assert.True(h.Log.Append(builder.Build(), 0).Succeeded);
    }

    [Fact]
    public void Compact_delete_topics_are_cleaned_and_still_deleted_by_retention()
    {
        var config = CleanerHarness.Compacted(segmentBytes: 8 * 1024) with
        {
            CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
            RetentionMs = (long)TimeSpan.FromDays(1).TotalMilliseconds,
        };
        using var c = new CleanerHarness(config);
        c.FillSegments(sealedSegments: 6, keySpace: 30, new Random(4));
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        c.AssertConsistent();

        c.H.Time.Advance(TimeSpan.FromDays(2));
        c.FillSegments(sealedSegments: c.Log.SegmentCount, keySpace: 30, new Random(5), prefix: "new");
        var fresh = c.Log.Segments[^2].BaseOffset;

        var deleted = c.Log.DeleteRetentionBreachedSegments();

        Assert.True(deleted > 1);
        Assert.Equal(fresh, c.Log.LogStartOffset);
        Assert.Equal(c.Log.LogEndOffset - fresh, c.ReadAll().Count);
        Assert.NotNull(c.Cleaner.TryCleanLog(c.Log));
        Assert.All(c.ReadAll(), r => Assert.True(r.Offset >= fresh));
    }

    [Fact]
    public void Records_without_a_key_written_before_the_topic_became_compacted_are_removed()
    {
        using var h = new LogHarness(LogHarness.Small(8 * 1024));
        for (var i = 0; i < 40; i++)
        {
            h.Append(5, valueSize: 100); // keys k{offset}: all distinct
            using var builder = new RecordBatchBuilder();
            builder.Append(h.Time.NowMs, default, "keyless"u8, keyIsNull: true);
            Assert.True(h.Log.Append(builder.Build(), 0).Succeeded);
        }

        h.Log.UpdateHighWatermark(h.Log.LogEndOffset);
        h.Log.UpdateConfig(h.Config with { CleanupPolicy = CleanupPolicy.Compact });
        using var cleaner = new LogCleaner(h.Directory.Path, () => [h.Log], CleanerHarness.SmallCleaner, NullLoggerFactory.Instance, h.Time);

        var stats = cleaner.TryCleanLog(h.Log);

        Assert.NotNull(stats);
        Assert.True(stats.KeylessRecordsRemoved > 0);
        var records = CleanerHarness.ReadAll(h.Log);
        var cleanedEnd = stats.EndOffset;
        Assert.DoesNotContain(records, r => r.Offset < cleanedEnd && r.Key.Length == 0);
        Assert.Equal(Enumerable.Range(0, 40).Count(i => i * 6 + 5 <= cleanedEnd) * 5, records.Count(r => r.Offset < cleanedEnd));
    }

    private static List<(long Offset, int Key, long Value)> Read(PartitionLog log)
    {
        var result = new List<(long, int, long)>();
        foreach (var record in CleanerHarness.ReadAll(log))
        {
            result.Add((record.Offset, int.Parse(record.Key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), long.Parse(record.Value!, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return result;
    }

    private readonly record struct Header(long BaseOffset, int LastOffsetDelta, long BaseTimestamp, long MaxTimestamp, short Attributes, long ProducerId, short ProducerEpoch, int BaseSequence, int LeaderEpoch, int RecordsCount);

    private static Dictionary<long, Header> BatchHeaders(PartitionLog log)
    {
        var headers = new Dictionary<long, Header>();
        var offset = log.LogStartOffset;
        while (offset < log.HighWatermark)
        {
            using var read = log.Read(offset, 64 * 1024);
            var bytes = read.Records.Span;
            while (!bytes.IsEmpty)
            {
                var batch = new RecordBatch(bytes);
                headers[batch.BaseOffset] = new Header(batch.BaseOffset, batch.LastOffsetDelta, batch.BaseTimestamp, batch.MaxTimestamp, batch.Attributes.Value, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.PartitionLeaderEpoch, batch.RecordsCount);
                offset = batch.NextOffset;
                bytes = bytes[batch.SizeInBytes..];
            }
        }

        return headers;
    }
}
