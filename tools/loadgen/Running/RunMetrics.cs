using LogBroker.Loadgen.Consuming;
using LogBroker.Loadgen.Metrics;
using LogBroker.Loadgen.Producing;

namespace LogBroker.Loadgen.Running;

/// <summary>
/// The measurements of one run: the two latency distributions, the error tally, and the workers whose
/// counters are summed on demand. Workers are added before the run starts and never removed.
/// </summary>
public sealed class RunMetrics
{
    private readonly List<ProducerWorker> _producers = [];
    private readonly List<ConsumerWorker> _consumers = [];

    /// <summary>From handing a record to the client to its delivery report.</summary>
    public LatencyMetric Ack { get; } = new("ack");

    /// <summary>From handing a record to the client to a consumer of this process reading it.</summary>
    public LatencyMetric EndToEnd { get; } = new("end-to-end");

    public ErrorTally Errors { get; } = new();

    public IReadOnlyList<ProducerWorker> Producers => _producers;

    public IReadOnlyList<ConsumerWorker> Consumers => _consumers;

    public void Add(ProducerWorker producer) => _producers.Add(producer);

    public void Add(ConsumerWorker consumer) => _consumers.Add(consumer);

    public CounterTotals Totals()
    {
        long sent = 0, acked = 0, ackedBytes = 0, failed = 0, measuredAcked = 0, measuredAckedBytes = 0;
        foreach (var producer in _producers)
        {
            // Outcomes before sends: a record is never counted as acknowledged but not sent.
            failed += producer.Failed.Records;
            acked += producer.Acked.Records;
            ackedBytes += producer.Acked.Bytes;
            measuredAcked += producer.Acked.MeasuredRecords;
            measuredAckedBytes += producer.Acked.MeasuredBytes;
            sent += producer.Sent.Records;
        }

        long consumed = 0, consumedBytes = 0, measuredConsumed = 0, measuredConsumedBytes = 0;
        foreach (var consumer in _consumers)
        {
            consumed += consumer.Consumed.Records;
            consumedBytes += consumer.Consumed.Bytes;
            measuredConsumed += consumer.Consumed.MeasuredRecords;
            measuredConsumedBytes += consumer.Consumed.MeasuredBytes;
        }

        return new CounterTotals(sent, acked, ackedBytes, failed, measuredAcked, measuredAckedBytes, consumed, consumedBytes, measuredConsumed, measuredConsumedBytes);
    }
}
