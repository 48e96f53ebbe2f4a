using LogBroker.Client;
using LogBroker.Loadgen.Cli;
using LogBroker.Loadgen.Reporting;
using LogBroker.Loadgen.Timing;

namespace LogBroker.Loadgen.Running;

/// <summary>What a finished run hands to <see cref="SummaryBuilder"/>: its settings as resolved, its measurements, and when each side finished.</summary>
public sealed record RunOutcome(
    LoadgenSettings Settings,
    int PartitionCount,
    ProducerOptions ProducerOptions,
    int ConsumerCount,
    DateTimeOffset StartedAt,
    MeasurementWindow Window,
    RunMetrics Metrics,
    IReadOnlyList<IntervalSample> Series,
    long ProduceEndMicros,
    long ConsumeEndMicros,
    long EndMicros,
    bool Interrupted,
    ProcessCost? ConsumeCost = null);
