using LogBroker.Client;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// The campaign second by second, built after the run from every acknowledgement (latency = ack time
/// minus send time; exact percentiles of the latencies acknowledged in each second, by nearest rank) and
/// the group's per-second consumed counts.
/// </summary>
public static class Timeline
{
    public static IReadOnlyList<TimelinePoint> Build(IReadOnlyList<ProducerResult> producers, IReadOnlyList<long> consumedPerSecond, double campaignSeconds)
    {
        var seconds = Math.Max((int)Math.Ceiling(campaignSeconds), consumedPerSecond.Count);
        var all = new long[seconds + 1];
        var leader = new long[seconds + 1];
        var failed = new long[seconds + 1];
        var latencies = new List<long>?[seconds + 1];
        foreach (var producer in producers)
        {
            foreach (var ack in producer.Acks)
            {
                var second = Second(ack.AckMicros, seconds);
                (producer.Spec.Acks == Acks.All ? all : leader)[second]++;
                (latencies[second] ??= []).Add(ack.LatencyMicros);
            }

            foreach (var failure in producer.Failures)
            {
                failed[Second(failure.AtMicros, seconds)]++;
            }
        }

        var points = new List<TimelinePoint>(seconds + 1);
        for (var s = 0; s <= seconds; s++)
        {
            var sorted = latencies[s];
            sorted?.Sort();
            points.Add(new TimelinePoint(
                s,
                all[s],
                leader[s],
                failed[s],
                s < consumedPerSecond.Count ? consumedPerSecond[s] : 0,
                Percentile(sorted, 50),
                Percentile(sorted, 99),
                Percentile(sorted, 100)));
        }

        return points;
    }

    /// <summary>The nearest-rank percentile of ascending microseconds, in milliseconds; null without values.</summary>
    public static double? Percentile(IReadOnlyList<long>? ascendingMicros, double percentile) =>
        ascendingMicros is { Count: > 0 } values
            ? values[Math.Clamp((int)Math.Ceiling(percentile / 100 * values.Count) - 1, 0, values.Count - 1)] / 1000.0
            : null;

    private static int Second(long micros, int last) => (int)Math.Clamp(micros / 1_000_000, 0, last);
}
