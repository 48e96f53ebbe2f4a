using HdrHistogram;
using LogBroker.Client;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// The campaign second by second, built after the run from every acknowledgement (latency = ack time
/// minus send time, in an HdrHistogram per second) and the group's per-second consumed counts.
/// </summary>
public static class Timeline
{
    public static IReadOnlyList<TimelinePoint> Build(IReadOnlyList<ProducerResult> producers, IReadOnlyList<long> consumedPerSecond, double campaignSeconds)
    {
        var seconds = Math.Max((int)Math.Ceiling(campaignSeconds), consumedPerSecond.Count);
        var all = new long[seconds + 1];
        var leader = new long[seconds + 1];
        var failed = new long[seconds + 1];
        var latencies = new LongHistogram?[seconds + 1];
        foreach (var producer in producers)
        {
            foreach (var ack in producer.Acks)
            {
                var second = Second(ack.AckMicros, seconds);
                (producer.Spec.Acks == Acks.All ? all : leader)[second]++;
                (latencies[second] ??= new LongHistogram(1, 3_600_000_000L, 3)).RecordValue(Math.Clamp(ack.LatencyMicros, 1, 3_600_000_000L));
            }

            foreach (var failure in producer.Failures)
            {
                failed[Second(failure.AtMicros, seconds)]++;
            }
        }

        return
        [
            .. Enumerable.Range(0, seconds + 1).Select(s => new TimelinePoint(
                s,
                all[s],
                leader[s],
                failed[s],
                s < consumedPerSecond.Count ? consumedPerSecond[s] : 0,
                latencies[s]?.GetValueAtPercentile(50) / 1000.0,
                latencies[s]?.GetValueAtPercentile(99) / 1000.0,
                latencies[s]?.GetMaxValue() / 1000.0)),
        ];
    }

    private static int Second(long micros, int last) => (int)Math.Clamp(micros / 1_000_000, 0, last);
}
