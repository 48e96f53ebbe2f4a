using System.Diagnostics;
using System.Text;
using LogBroker.Protocol.Batches;
using LogBroker.Protocol.Buffers;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Config;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// Readers read continuously while the cleaner rewrites and swaps segments, one writer appends and
/// rolls, and retention deletes old segments (so some swaps find the log changed and give up). Every
/// record every reader sees is checked against what was written at its offset. The writer keeps at
/// most a bounded number of offsets ahead of the cleaner's last look (it waits for the next cleaning,
/// never for a time) and goes on until the cleaner has completed a few cleanings while it wrote:
/// bounded by that count and by offsets, with a deadline only a stuck cleaner reaches.
/// </summary>
public class CleanerConcurrencyTests
{
    [Fact]
    public async Task Readers_see_a_consistent_log_while_the_cleaner_rewrites_segments_under_appends_and_retention()
    {
        var config = CleanerHarness.Compacted(segmentBytes: 32 * 1024) with
        {
            CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
            RetentionBytes = 512 * 1024,
        };
        using var c = new CleanerHarness(config);
        const int MinOffsets = 100_000;
        const int MaxOffsets = 2_000_000;
        const int CleaningsWhileWriting = 5;
        const int Keys = 300;
        var keyAt = new int[MaxOffsets + 100];
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var failures = new List<string>();
        long reads = 0;
        long recordsChecked = 0;
        var cleanings = 0;
        var cleaningsWhileWriting = 0;
        var aborted = 0;
        var writerDone = false;
        long cleanerLookedAt = 0;
        using var cleaningEnded = new SemaphoreSlim(0);

        var writer = Task.Run(() =>
        {
            var random = new Random(1);
            using var builder = new RecordBatchBuilder();
            while ((c.Log.LogEndOffset < MinOffsets || Volatile.Read(ref cleaningsWhileWriting) < CleaningsWhileWriting)
                && c.Log.LogEndOffset < MaxOffsets
                && !stop.IsCancellationRequested)
            {
                if (c.Log.LogEndOffset - Volatile.Read(ref cleanerLookedAt) > 40_000)
                {
                    try
                    {
                        cleaningEnded.Wait(stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    continue;
                }

                builder.Reset();
                var first = c.Log.LogEndOffset;
                var count = 1 + random.Next(40);
                for (var i = 0; i < count; i++)
                {
                    var key = random.Next(Keys);
                    keyAt[first + i] = key;
                    builder.Append(c.H.Time.NowMs, Encoding.UTF8.GetBytes($"k{key}"), Encoding.UTF8.GetBytes($"{first + i}"));
                }

                var result = c.Log.Append(builder.Build(), 0);
                if (!result.Succeeded)
                {
                    lock (failures) failures.Add($"append failed: {result.ErrorMessage}");
                    return;
                }

                c.Log.UpdateHighWatermark(c.Log.LogEndOffset); // publishes keyAt up to here to readers
                if (random.Next(3000) == 0)
                {
                    c.Log.DeleteRetentionBreachedSegments();
                }
            }

            Volatile.Write(ref writerDone, true);
        });

        var cleaner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested && (!Volatile.Read(ref writerDone) || Volatile.Read(ref cleanings) < 3))
            {
                Volatile.Write(ref cleanerLookedAt, c.Log.LogEndOffset);
                var stats = c.Cleaner.TryCleanLog(c.Log);
                cleaningEnded.Release();
                if (stats is { Aborted: true })
                {
                    Interlocked.Increment(ref aborted);
                }
                else if (stats is { SegmentsWritten: > 0 })
                {
                    Interlocked.Increment(ref cleanings);
                    if (!Volatile.Read(ref writerDone))
                    {
                        Interlocked.Increment(ref cleaningsWhileWriting);
                    }
                }
            }
        });

        var readers = Enumerable.Range(0, 2).Select(seed => Task.Run(() =>
        {
            var random = new Random(100 + seed);
            using var scratch = new PooledBufferWriter();
            while (!cleaner.IsCompleted)
            {
                var start = c.Log.LogStartOffset;
                var end = c.Log.HighWatermark;
                if (end <= start)
                {
                    continue;
                }

                var offset = start + random.NextInt64(end - start);
                using var read = c.Log.Read(offset, random.Next(1, 16 * 1024));
                Interlocked.Increment(ref reads);
                if (read.Error == ErrorCode.OffsetOutOfRange && offset < c.Log.LogStartOffset)
                {
                    continue; // retention moved past it meanwhile
                }

                if (read.Error != ErrorCode.None || read.IsEmpty)
                {
                    lock (failures) failures.Add($"read at {offset} (start {start}, hw {end}): {read.Error} {read.ErrorMessage} empty={read.IsEmpty}");
                    continue;
                }

                var failure = Check(read.Records.Span, offset, keyAt, scratch, out var checkedCount);
                if (failure is not null)
                {
                    lock (failures) failures.Add(failure);
                }

                Interlocked.Add(ref recordsChecked, checkedCount);
            }
        })).ToArray();

        await Task.WhenAll([writer, cleaner, .. readers]);

        Assert.Empty(failures);
        Assert.True(c.Log.LogEndOffset >= MinOffsets, $"writer stopped at {c.Log.LogEndOffset}");
        Assert.True(cleaningsWhileWriting >= CleaningsWhileWriting, $"only {cleaningsWhileWriting} cleanings completed while the writer wrote ({cleanings} in all, {aborted} gave up)");
        Assert.True(reads > 1000, $"only {reads} reads");
        Assert.True(recordsChecked > 0);
    }

    /// <summary>Whole, valid batches; offsets strictly increase; the first batch reaches the offset asked for; every record is what was written at its offset.</summary>
    private static string? Check(ReadOnlySpan<byte> bytes, long offset, int[] keyAt, PooledBufferWriter scratch, out int checkedCount)
    {
        checkedCount = 0;
        long previous = -1;
        var first = true;
        while (!bytes.IsEmpty)
        {
            var verdict = RecordBatchValidator.Validate(bytes, int.MaxValue, BatchValidationMode.Stored, out var size);
            if (!verdict.IsValid)
            {
                return $"read at {offset}: invalid batch: {verdict.Message}";
            }

            var batch = new RecordBatch(bytes[..size]);
            // The first batch holds the offset asked for or, when compaction removed it, the next one kept.
            if (first && batch.LastOffset < offset)
            {
                return $"read at {offset} starts with batch [{batch.BaseOffset}, {batch.LastOffset}]";
            }

            first = false;
            foreach (var record in batch.GetRecords(scratch))
            {
                if (record.Offset <= previous)
                {
                    return $"read at {offset}: offset {record.Offset} after {previous}";
                }

                previous = record.Offset;
                var key = Encoding.UTF8.GetString(record.Key);
                var value = Encoding.UTF8.GetString(record.Value);
                if (key != $"k{keyAt[record.Offset]}" || value != record.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return $"read at {offset}: offset {record.Offset} holds {key}={value}, but k{keyAt[record.Offset]}={record.Offset} was written there";
                }

                checkedCount++;
            }

            bytes = bytes[size..];
        }

        return null;
    }
}
