using LogBroker.Faultlab.Nemesis;
using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Checking;

/// <summary>
/// What one fault did to the clients, measured: the unavailability window of the acks=all producers
/// (the longest time without any acknowledgement around the fault: from the last ack before to the first
/// ack after), and the acknowledged records lost around it.
/// </summary>
public sealed record FaultImpact(int Index, double? LastAckBeforeSeconds, double? FirstAckAfterSeconds, double UnavailableSeconds, int LostNearby)
{
    /// <summary>How long after a fault healed an outage it caused can still end (a broker recovering, clients backing off).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <param name="ackTimesMicros">Acknowledgement times of the acks=all producers, ascending.</param>
    /// <param name="lostAckTimesMicros">Acknowledgement times of the records found lost.</param>
    public static FaultImpact Measure(InjectedFault fault, IReadOnlyList<long> ackTimesMicros, IReadOnlyList<long> lostAckTimesMicros, double campaignEndSeconds)
    {
        var start = (long)(fault.StartSeconds * 1e6);
        var end = (long)((fault.EndSeconds + Grace.TotalSeconds) * 1e6);
        var lost = lostAckTimesMicros.Count(t => t >= start - (long)(Grace.TotalSeconds * 1e6) && t <= end);

        // The first ack after the fault began, and the gaps from there up to the grace end; plus the gap the fault began in.
        var first = LowerBound(ackTimesMicros, start);
        double? lastBefore = first > 0 ? ackTimesMicros[first - 1] / 1e6 : null;
        double? firstAfter = first < ackTimesMicros.Count ? ackTimesMicros[first] / 1e6 : null;
        var widest = (firstAfter ?? campaignEndSeconds) - (lastBefore ?? fault.StartSeconds);
        for (var i = first; i + 1 < ackTimesMicros.Count && ackTimesMicros[i] < end; i++)
        {
            var gap = (ackTimesMicros[i + 1] - ackTimesMicros[i]) / 1e6;
            if (gap > widest)
            {
                (widest, lastBefore, firstAfter) = (gap, ackTimesMicros[i] / 1e6, ackTimesMicros[i + 1] / 1e6);
            }
        }

        return new FaultImpact(fault.Index, lastBefore, firstAfter, widest, lost);
    }

    /// <summary>The acks=all acknowledgement times of a campaign's producers, ascending.</summary>
    public static IReadOnlyList<long> AckTimes(IEnumerable<ProducerResult> producers) =>
        [.. producers.Where(p => p.Spec.Acks == LogBroker.Client.Acks.All).SelectMany(p => p.Acks).Select(a => a.AckMicros).Order()];

    private static int LowerBound(IReadOnlyList<long> sorted, long value)
    {
        int low = 0, high = sorted.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
