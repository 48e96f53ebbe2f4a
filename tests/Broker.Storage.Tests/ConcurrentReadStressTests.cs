using System.Diagnostics;
using LogBroker.Protocol.Errors;
using LogBroker.Testing;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// Readers hammer the log while one writer appends (rolling segments often) and retention deletes
/// segments under them. Every record every reader sees is checked: its key names the offset it must
/// have. Bounded by a record count and a time limit.
/// </summary>
public class ConcurrentReadStressTests
{
    [Fact]
    public async Task Readers_see_only_whole_correct_batches_during_appends_rolls_and_retention()
    {
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 8 * 1024) with { RetentionBytes = 64 * 1024 });
        const int TargetOffset = 60_000;
        var limit = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var failures = new List<string>();
        long reads = 0;
        long recordsChecked = 0;

        var writer = Task.Run(() =>
        {
            var random = new Random(1);
            while (h.Log.LogEndOffset < TargetOffset && !stop.IsCancellationRequested)
            {
                var batch = TestBatches.Create(1 + random.Next(20), valueSize: 30, firstIndex: (int)h.Log.LogEndOffset);
                var result = h.Log.Append(batch, 0);
                if (!result.Succeeded)
                {
                    lock (failures) failures.Add($"append failed: {result.ErrorMessage}");
                    return;
                }

                h.Log.UpdateHighWatermark(h.Log.LogEndOffset);
                if (random.Next(50) == 0)
                {
                    h.Log.DeleteRetentionBreachedSegments();
                }
            }
        });

        var readers = Enumerable.Range(0, 3).Select(seed => Task.Run(() =>
        {
            var random = new Random(100 + seed);
            while (!writer.IsCompleted && !stop.IsCancellationRequested)
            {
                var start = h.Log.LogStartOffset;
                var end = h.Log.HighWatermark;
                if (end <= start)
                {
                    continue;
                }

                var offset = start + random.NextInt64(end - start);
                using var read = h.Log.Read(offset, random.Next(1, 8192));
                Interlocked.Increment(ref reads);
                if (read.Error == ErrorCode.OffsetOutOfRange && offset < h.Log.LogStartOffset)
                {
                    continue; // retention moved past it meanwhile
                }

                if (read.Error != ErrorCode.None || read.IsEmpty)
                {
                    lock (failures) failures.Add($"read at {offset} (start {start}, hw {end}): {read.Error} {read.ErrorMessage} empty={read.IsEmpty}");
                    continue;
                }

                var records = TestBatches.Decode(read.Records.Span);
                if (records[0].Offset > offset || records[^1].Offset < offset)
                {
                    lock (failures) failures.Add($"read at {offset} returned [{records[0].Offset}, {records[^1].Offset}]");
                }

                for (var i = 0; i < records.Count; i++)
                {
                    if (records[i].Key != $"k{records[i].Offset}" || (i > 0 && records[i].Offset != records[i - 1].Offset + 1))
                    {
                        lock (failures) failures.Add($"read at {offset}: record {i} is {records[i].Offset}/{records[i].Key}");
                        break;
                    }
                }

                Interlocked.Add(ref recordsChecked, records.Count);
            }
        })).ToArray();

        await Task.WhenAll([writer, .. readers]);

        Assert.Empty(failures);
        Assert.True(h.Log.LogEndOffset >= TargetOffset, $"writer stopped at {h.Log.LogEndOffset} after {limit.Elapsed}");
        Assert.True(reads > 100, $"only {reads} reads");
        Assert.True(h.Log.LogStartOffset > 0, "retention never ran");
        Assert.True(recordsChecked > 0);
    }
}
