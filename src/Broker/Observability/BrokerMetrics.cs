using System.Collections.Concurrent;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol.Errors;
using Prometheus;

namespace LogBroker.Broker.Observability;

/// <summary>
/// The broker's Prometheus metrics, in a registry of its own (several brokers can share a process in
/// tests), served at <c>/metrics</c> on the HTTP port. Traffic counters are updated as requests are
/// handled; partition gauges are read from the logs at scrape time. Per-topic children are cached so
/// the request path does not allocate label arrays.
/// </summary>
public sealed class BrokerMetrics
{
    private readonly Counter _bytesIn;
    private readonly Counter _recordsIn;
    private readonly Counter _bytesOut;
    private readonly Counter _recordsOut;
    private readonly Counter _requests;
    private readonly Counter _partitionErrors;
    private readonly Histogram _requestDuration;
    private readonly Gauge _logStartOffset;
    private readonly Gauge _logEndOffset;
    private readonly Gauge _highWatermark;
    private readonly Gauge _partitionBytes;
    private readonly Gauge _segments;
    private readonly Gauge _inFlightBytes;
    private readonly Gauge _connections;
    private readonly Gauge _waitingFetches;
    private readonly Gauge _subscriptions;
    private readonly ConcurrentDictionary<string, TopicCounters> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Api, string Outcome), Counter.Child> _requestChildren = new();
    private readonly ConcurrentDictionary<string, Histogram.Child> _durationChildren = new(StringComparer.Ordinal);
    private int _activeSubscriptions;

    public BrokerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        _bytesIn = factory.CreateCounter("logbroker_topic_bytes_in_total", "Record batch bytes appended by producers.", "topic");
        _recordsIn = factory.CreateCounter("logbroker_topic_records_in_total", "Records appended by producers.", "topic");
        _bytesOut = factory.CreateCounter("logbroker_topic_bytes_out_total", "Record batch bytes sent to consumers (fetch and push).", "topic");
        _recordsOut = factory.CreateCounter("logbroker_topic_records_out_total", "Records sent to consumers (fetch and push), counted from batch headers.", "topic");
        _requests = factory.CreateCounter("logbroker_requests_total", "gRPC calls and produce stream requests handled, by API and outcome (ok or the gRPC status).", "api", "outcome");
        _partitionErrors = factory.CreateCounter("logbroker_partition_errors_total", "Per-partition errors returned, by API and error code.", "api", "error");
        _requestDuration = factory.CreateHistogram("logbroker_request_duration_seconds", "Time to handle a request, by API (fetch includes its long-poll wait).", new HistogramConfiguration
        {
            LabelNames = ["api"],
            Buckets = Histogram.ExponentialBuckets(0.00005, 2, 20),
        });
        _logStartOffset = factory.CreateGauge("logbroker_partition_log_start_offset", "First offset still in the log.", "topic", "partition");
        _logEndOffset = factory.CreateGauge("logbroker_partition_log_end_offset", "Offset the next record will get.", "topic", "partition");
        _highWatermark = factory.CreateGauge("logbroker_partition_high_watermark", "Offset consumers may read up to (exclusive).", "topic", "partition");
        _partitionBytes = factory.CreateGauge("logbroker_partition_size_bytes", "Bytes of the partition's log segments.", "topic", "partition");
        _segments = factory.CreateGauge("logbroker_partition_segments", "Segments in the partition's log.", "topic", "partition");
        _inFlightBytes = factory.CreateGauge("logbroker_inflight_request_bytes", "Request bytes held by the broker now.");
        _connections = factory.CreateGauge("logbroker_open_connections", "Open client connections, by listener.", "listener");
        _waitingFetches = factory.CreateGauge("logbroker_fetch_waiting", "Long-poll fetches parked waiting for data.");
        _subscriptions = factory.CreateGauge("logbroker_subscriptions_active", "Open push subscriptions.");
    }

    public CollectorRegistry Registry { get; }

    public void Appended(string topic, long bytes, int records)
    {
        var counters = Topic(topic);
        counters.BytesIn.Inc(bytes);
        counters.RecordsIn.Inc(records);
    }

    public void Served(string topic, long bytes, int records)
    {
        var counters = Topic(topic);
        counters.BytesOut.Inc(bytes);
        counters.RecordsOut.Inc(records);
    }

    public void PartitionError(string api, ErrorCode error) => _partitionErrors.WithLabels(api, error.ToString()).Inc();

    public void Request(string api, string outcome, double seconds)
    {
        _requestChildren.GetOrAdd((api, outcome), key => _requests.WithLabels(key.Api, key.Outcome)).Inc();
        _durationChildren.GetOrAdd(api, name => _requestDuration.WithLabels(name)).Observe(seconds);
    }

    public void ConnectionOpened(string listener) => _connections.WithLabels(listener).Inc();

    public void ConnectionClosed(string listener) => _connections.WithLabels(listener).Dec();

    public void SubscriptionOpened() => Interlocked.Increment(ref _activeSubscriptions);

    public void SubscriptionClosed() => Interlocked.Decrement(ref _activeSubscriptions);

    /// <summary>Reads partition and broker state into the gauges at each scrape; partitions that are gone lose their series.</summary>
    public void ObserveAtScrape(ReplicaManager replicas, Api.InFlightLimiter inFlight, FetchManager fetches)
    {
        Registry.AddBeforeCollectCallback(() =>
        {
            var live = new HashSet<(string, string)>();
            foreach (var partition in replicas.Partitions)
            {
                var log = partition.Log;
                var labels = (partition.TopicPartition.Topic, partition.TopicPartition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
                live.Add(labels);
                _logStartOffset.WithLabels(labels.Item1, labels.Item2).Set(log.LogStartOffset);
                _logEndOffset.WithLabels(labels.Item1, labels.Item2).Set(log.LogEndOffset);
                _highWatermark.WithLabels(labels.Item1, labels.Item2).Set(log.HighWatermark);
                _partitionBytes.WithLabels(labels.Item1, labels.Item2).Set(log.SizeInBytes);
                _segments.WithLabels(labels.Item1, labels.Item2).Set(log.SegmentCount);
            }

            foreach (var gauge in (Gauge[])[_logStartOffset, _logEndOffset, _highWatermark, _partitionBytes, _segments])
            {
                foreach (var values in gauge.GetAllLabelValues().ToList())
                {
                    if (!live.Contains((values[0], values[1])))
                    {
                        gauge.RemoveLabelled(values);
                    }
                }
            }

            _inFlightBytes.Set(inFlight.InFlightBytes);
            _waitingFetches.Set(fetches.WaitingFetches);
            _subscriptions.Set(Volatile.Read(ref _activeSubscriptions));
        });
    }

    private TopicCounters Topic(string topic) => _topics.GetOrAdd(topic, t => new TopicCounters(
        _bytesIn.WithLabels(t), _recordsIn.WithLabels(t), _bytesOut.WithLabels(t), _recordsOut.WithLabels(t)));

    private sealed record TopicCounters(Counter.Child BytesIn, Counter.Child RecordsIn, Counter.Child BytesOut, Counter.Child RecordsOut);
}
