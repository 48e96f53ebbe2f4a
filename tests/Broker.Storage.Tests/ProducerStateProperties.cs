using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;
using Xunit;

namespace LogBroker.Storage.Tests;

/// <summary>
/// Random interleavings of several producers' new batches, retries of earlier batches, clean restarts
/// and crashes: a batch is never stored twice, an in-order batch is never refused, a retry of one of
/// a producer's last five batches gets its original offsets, and an older retry is out of order.
/// </summary>
public class ProducerStateProperties
{
    [Property(MaxTest = 20)]
    public Property Retries_and_restarts_never_store_a_batch_twice_nor_refuse_an_in_order_batch(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        using var h = new LogHarness(LogHarness.Small(segmentBytes: 4 * 1024));
        var sent = new Dictionary<long, List<(int Sequence, int Count, long First, long Last)>>();
        var records = 0L;
        var operations = random.Next(20, 120);
        var trace = new List<string>();
        for (var step = 0; step < operations; step++)
        {
            var producer = random.Next(1, 4);
            var batches = sent.TryGetValue(producer, out var list) ? list : sent[producer] = [];
            var roll = random.Next(100);
            if (roll < 55 || batches.Count == 0)
            {
                var sequence = batches.Count == 0 ? 0 : batches[^1].Sequence + batches[^1].Count;
                var count = random.Next(1, 12);
                var result = h.Log.SendOk(producer, 0, sequence, count);
                batches.Add((sequence, count, result.FirstOffset, result.LastOffset));
                records += count;
                trace.Add($"p{producer} sends {sequence}+{count}");
            }
            else if (roll < 88)
            {
                var back = random.Next(Math.Min(batches.Count, 8));
                var (sequence, count, first, last) = batches[batches.Count - 1 - back];
                var end = h.Log.LogEndOffset;
                var retry = h.Log.Send(producer, 0, sequence, count);
                trace.Add($"p{producer} retries {sequence}+{count} ({back} back): {retry.Error}{(retry.IsDuplicate ? " duplicate" : string.Empty)}");
                Assert.Equal(end, h.Log.LogEndOffset);
                if (back < 5)
                {
                    Assert.True(retry.IsDuplicate, string.Join("\n", trace));
                    Assert.Equal((first, last), (retry.FirstOffset, retry.LastOffset));
                }
                else
                {
                    Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, retry.Error);
                }
            }
            else if (roll < 94)
            {
                h.ReopenClean();
                trace.Add("clean restart");
            }
            else
            {
                h.CrashAndReopen();
                trace.Add("crash");
            }
        }

        h.AssertNothingStoredTwice();
        return (h.Log.LogEndOffset == records).Label($"log end {h.Log.LogEndOffset}, records sent {records}");
    }
}
