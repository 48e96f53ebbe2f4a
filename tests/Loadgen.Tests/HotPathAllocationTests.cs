using LogBroker.Loadgen.Metrics;
using LogBroker.Loadgen.Producing;
using LogBroker.Loadgen.Timing;
using Xunit;

namespace LogBroker.Loadgen.Tests;

/// <summary>
/// The producer loop's and the delivery callback's own work, per record, allocates nothing. (What the
/// client allocates inside Produce, per batch, is reported by a run but not judged here.)
/// </summary>
public class HotPathAllocationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_records_worth_of_loop_and_callback_work_allocates_nothing(bool keyed)
    {
        var keys = keyed ? new KeySpace(1000, 4) : null;
        var picker = new PartitionPicker(keys, 4, producerIndex: 0, recordSize: 100, batchSize: 65536, new Random(1));
        var payload = new PayloadSource(100, 65536, new Random(1));
        var sendTimes = Enumerable.Range(0, 4).Select(_ => new SendTimeQueue()).ToArray();
        var sent = new ThroughputCounter();
        var acked = new ThroughputCounter();
        var latency = new LatencyMetric("ack");
        var recorder = latency.CreateRecorder();
        var pacing = RatePacer.ForRate(1e9, MonotonicClock.NowMicros);
        long checksum = 0;

        void OneRecord()
        {
            var now = MonotonicClock.NowMicros;
            pacing.TryTake(now);
            var partition = picker.Next(out var key);
            var value = payload.Next(now);
            sendTimes[partition].Enqueue(now);
            sent.Add(value.Length, inWarmup: false);
            checksum += key?.Length ?? 0;

            sendTimes[partition].TryDequeue(out var sentMicros);
            acked.Add(value.Length, inWarmup: false);
            recorder.Record(MonotonicClock.NowMicros - sentMicros);
        }

        for (var i = 0; i < 10_000; i++)
        {
            OneRecord();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200_000; i++)
        {
            OneRecord();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(210_000, acked.Records);
        Assert.True(keyed ? checksum > 0 : checksum == 0);
    }

    [Fact]
    public void Collecting_a_latency_interval_reuses_its_histograms()
    {
        var latency = new LatencyMetric("ack");
        var recorders = Enumerable.Range(0, 3).Select(_ => latency.CreateRecorder()).ToArray();
        latency.CollectInterval();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            foreach (var recorder in recorders)
            {
                recorder.Record(1000 + i);
            }

            latency.CollectInterval();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4096, $"collecting allocated {allocated} bytes");
        Assert.Equal(60, latency.Total.TotalCount);
        Assert.Equal(3, latency.Interval.TotalCount);
    }
}
