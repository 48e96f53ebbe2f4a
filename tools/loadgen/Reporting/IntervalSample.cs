namespace LogBroker.Loadgen.Reporting;

/// <summary>
/// One point of the per-second series: rates over the interval that ended <see cref="ElapsedSeconds"/>
/// into the run, the latency percentiles of that interval alone (null when nothing was recorded), and
/// records in flight at its end. MB are 10^6 bytes of values. The record counts are exact, so the
/// series sums to the run's totals; the rates are those counts over the (rounded) interval.
/// </summary>
public sealed record IntervalSample(
    double ElapsedSeconds,
    double IntervalSeconds,
    bool Warmup,
    long ProducedRecords,
    long ConsumedRecords,
    double SentRecordsPerSecond,
    double ProducedRecordsPerSecond,
    double ProducedMegabytesPerSecond,
    double ConsumedRecordsPerSecond,
    double ConsumedMegabytesPerSecond,
    double? AckP50Ms,
    double? AckP99Ms,
    double? AckMaxMs,
    double? EndToEndP50Ms,
    double? EndToEndP99Ms,
    double? EndToEndMaxMs,
    long InFlight);
