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
    private readonly Gauge _underReplicated;
    private readonly Gauge _offline;
    private readonly Gauge _leaderPartitions;
    private readonly Gauge _acksWaiting;
    private readonly Gauge _replicaLagRecords;
    private readonly Gauge _replicaLagSeconds;
    private readonly Gauge _followerLagRecords;
    private readonly Counter _isrChanges;
    private readonly Gauge _controllerActive;
    private readonly Gauge _fenced;
    private readonly Gauge _metadataOffset;
    private readonly Gauge _quorumLeader;
    private readonly Gauge _quorumTerm;
    private readonly Gauge _quorumCommitIndex;
    private readonly Gauge _quorumAppliedIndex;
    private readonly Gauge _quorumRestarts;
    private int _acksAllWaiting;
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
        _underReplicated = factory.CreateGauge("logbroker_under_replicated_partitions", "Partitions led here whose ISR is smaller than their replica set.");
        _offline = factory.CreateGauge("logbroker_offline_partitions", "Partitions without a live leader (reported by the active controller; 0 elsewhere).");
        _leaderPartitions = factory.CreateGauge("logbroker_leader_partitions", "Partitions led by this broker.");
        _acksWaiting = factory.CreateGauge("logbroker_produce_acks_all_waiting", "acks=all produce requests waiting for their batches to be replicated.");
        _replicaLagRecords = factory.CreateGauge("logbroker_replica_lag_records", "As the leader sees it: records a follower lacks (leader log end minus follower log end).", "topic", "partition", "replica");
        _replicaLagSeconds = factory.CreateGauge("logbroker_replica_lag_seconds", "As the leader sees it: seconds since a follower was last caught up.", "topic", "partition", "replica");
        _followerLagRecords = factory.CreateGauge("logbroker_follower_lag_records", "As this follower saw at its last fetch: records it lacked of its leader's log.", "topic", "partition");
        _isrChanges = factory.CreateCounter("logbroker_isr_changes_total", "ISR changes this broker proposed as leader and the controller accepted.", "direction");
        _controllerActive = factory.CreateGauge("logbroker_controller_active", "1 while this broker is the active controller (the metadata quorum's leader).");
        _fenced = factory.CreateGauge("logbroker_broker_fenced", "1 while the controller has this broker fenced (or it is not registered yet).");
        _metadataOffset = factory.CreateGauge("logbroker_metadata_offset", "The last metadata log offset this broker applied.");
        _quorumLeader = factory.CreateGauge("logbroker_quorum_leader_id", "The metadata quorum's leader node id, -1 when none is known.");
        _quorumTerm = factory.CreateGauge("logbroker_quorum_term", "The metadata quorum's current term.");
        _quorumCommitIndex = factory.CreateGauge("logbroker_quorum_commit_index", "The metadata quorum's commit index as this member knows it.");
        _quorumAppliedIndex = factory.CreateGauge("logbroker_quorum_applied_index", "The metadata log index this member applied.");
        _quorumRestarts = factory.CreateGauge("logbroker_quorum_member_restarts", "Times the watchdog rebuilt this quorum member in process after it stalled.");
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

    public void AcksAllWaiting(int delta) => Interlocked.Add(ref _acksAllWaiting, delta);

    public void IsrChanged(bool expanded) => _isrChanges.WithLabels(expanded ? "expand" : "shrink").Inc();

    public void SubscriptionOpened() => Interlocked.Increment(ref _activeSubscriptions);

    public void SubscriptionClosed() => Interlocked.Decrement(ref _activeSubscriptions);

    /// <summary>Reads partition and broker state into the gauges at each scrape; partitions that are gone lose their series.</summary>
    public void ObserveAtScrape(ReplicaManager replicas, Api.InFlightLimiter inFlight, FetchManager fetches, Cluster.Quorum.IMetadataQuorum quorum, Cluster.BrokerMembership membership, Cluster.MetadataStore metadata)
    {
        Registry.AddBeforeCollectCallback(() =>
        {
            var live = new HashSet<(string, string)>();
            int underReplicated = 0, leading = 0;
            var liveReplicas = new HashSet<(string, string, string)>();
            foreach (var partition in replicas.Partitions)
            {
                if (partition.IsLeader)
                {
                    leading++;
                    underReplicated += partition.InSyncReplicas.Count < partition.Replicas.Count ? 1 : 0;
                    foreach (var lag in partition.FollowerLags())
                    {
                        var key = (partition.TopicPartition.Topic, partition.TopicPartition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture), lag.ReplicaId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        liveReplicas.Add(key);
                        _replicaLagRecords.WithLabels(key.Item1, key.Item2, key.Item3).Set(lag.LagRecords);
                        _replicaLagSeconds.WithLabels(key.Item1, key.Item2, key.Item3).Set(lag.SinceCaughtUp.TotalSeconds);
                    }
                }

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

            foreach (var gauge in (Gauge[])[_replicaLagRecords, _replicaLagSeconds])
            {
                foreach (var values in gauge.GetAllLabelValues().ToList())
                {
                    if (!liveReplicas.Contains((values[0], values[1], values[2])))
                    {
                        gauge.RemoveLabelled(values);
                    }
                }
            }

            var following = new HashSet<(string, string)>();
            foreach (var (tp, lagRecords) in replicas.Fetchers.Lags)
            {
                var key = (tp.Topic, tp.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
                following.Add(key);
                _followerLagRecords.WithLabels(key.Item1, key.Item2).Set(lagRecords);
            }

            foreach (var values in _followerLagRecords.GetAllLabelValues().ToList())
            {
                if (!following.Contains((values[0], values[1])))
                {
                    _followerLagRecords.RemoveLabelled(values);
                }
            }

            var image = metadata.Image;
            var offline = 0;
            if (quorum.IsLeader)
            {
                foreach (var topic in image.Topics.Values)
                {
                    foreach (var p in topic.Partitions)
                    {
                        offline += p.HasLeader && image.IsActive(p.Leader) ? 0 : 1;
                    }
                }
            }

            var status = quorum.Status;
            _underReplicated.Set(underReplicated);
            _leaderPartitions.Set(leading);
            _offline.Set(offline);
            _acksWaiting.Set(Volatile.Read(ref _acksAllWaiting));
            _controllerActive.Set(quorum.IsLeader ? 1 : 0);
            _fenced.Set(membership.IsFenced ? 1 : 0);
            _metadataOffset.Set(image.Offset);
            _quorumLeader.Set(status.LeaderId ?? -1);
            _quorumTerm.Set(status.Term);
            _quorumCommitIndex.Set(status.CommitIndex);
            _quorumAppliedIndex.Set(status.AppliedIndex);
            _quorumRestarts.Set(status.Restarts);
            _inFlightBytes.Set(inFlight.InFlightBytes);
            _waitingFetches.Set(fetches.WaitingFetches);
            _subscriptions.Set(Volatile.Read(ref _activeSubscriptions));
        });
    }

    private TopicCounters Topic(string topic) => _topics.GetOrAdd(topic, t => new TopicCounters(
        _bytesIn.WithLabels(t), _recordsIn.WithLabels(t), _bytesOut.WithLabels(t), _recordsOut.WithLabels(t)));

    private sealed record TopicCounters(Counter.Child BytesIn, Counter.Child RecordsIn, Counter.Child BytesOut, Counter.Child RecordsOut);
}
