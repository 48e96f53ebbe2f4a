using System.Text.RegularExpressions;

namespace LogBroker.Loadgen.Tests;

/// <summary>
/// The line loadgen writes to stderr once a second, as the README describes it: seconds since the start,
/// records/s and MB/s of the last second (produced, consumed), p99 latency so far, records in flight.
/// </summary>
public static partial class LiveLine
{
    /// <summary>A produce run's line, with a p99 once acknowledgements have arrived ("-" before).</summary>
    [GeneratedRegex(@"^\[\s*\d+s\]( warmup)? \| produce\s+[\d,]+ rec/s\s+\d+\.\d MB/s \| ack p99 (?<ack>-|\d+\.\d\d ms) \| in-flight [\d,]+$")]
    public static partial Regex Produce();

    /// <summary>An e2e run's line: both sides' rates, both latencies, records in flight.</summary>
    [GeneratedRegex(@"^\[\s*\d+s\]( warmup)? \| produce\s+[\d,]+ rec/s\s+\d+\.\d MB/s \| consume\s+[\d,]+ rec/s\s+\d+\.\d MB/s \| ack p99 (?<ack>-|\d+\.\d\d ms) \| e2e p99 (?<e2e>-|\d+\.\d\d ms) \| in-flight [\d,]+$")]
    public static partial Regex EndToEnd();

    /// <summary>Any live line, of whichever mode.</summary>
    public static bool IsLive(string line) => Produce().IsMatch(line) || EndToEnd().IsMatch(line);
}
