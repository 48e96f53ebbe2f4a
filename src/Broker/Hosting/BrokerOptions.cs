using System.Net;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// Broker settings, bound from the <c>LogBroker</c> section of the configuration: appsettings.json,
/// then <c>LOGBROKER__...</c> environment variables, then command-line flags. Defaults give one
/// working node with no configuration at all (DESIGN: "Defaults an operator gets").
/// </summary>
public sealed class BrokerOptions
{
    public const string Section = "LogBroker";

    public int NodeId { get; set; } = 1;

    /// <summary>Data directory, relative to the working directory unless absolute.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Address both ports listen on. 127.0.0.1 by default: this version has no authentication.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Host name clients are told to use (metadata); defaults to the bind address, or the machine name when binding all interfaces.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>gRPC over HTTP/2 without TLS.</summary>
    public int GrpcPort { get; set; } = 9400;

    /// <summary>HTTP/1.1: health endpoints and Prometheus <c>/metrics</c>.</summary>
    public int HttpPort { get; set; } = 9401;

    /// <summary>Whether the Kafka wire-protocol listener runs (for Kafka's own clients and tools, beside gRPC).</summary>
    public bool KafkaEnabled { get; set; }

    /// <summary>Port of the Kafka listener (Kafka's default).</summary>
    public int KafkaPort { get; set; } = 9092;

    /// <summary>Largest Kafka request frame accepted (Kafka's socket.request.max.bytes); a larger one closes its connection.</summary>
    public int KafkaMaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Kafka request bytes held at once across all Kafka connections (Kafka's queued.max.request.bytes).</summary>
    public long KafkaMaxInFlightBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Kafka request bytes one connection may hold (read and not yet answered).</summary>
    public long KafkaMaxInFlightBytesPerConnection { get; set; } = 64L * 1024 * 1024;

    /// <summary>Requests one Kafka connection may have read and not yet answered (pipelining depth).</summary>
    public int KafkaMaxQueuedRequestsPerConnection { get; set; } = 128;

    /// <summary>How long the first rebalance of an empty classic group waits for more members (Kafka's group.initial.rebalance.delay.ms).</summary>
    public int KafkaGroupInitialRebalanceDelayMs { get; set; } = 3000;

    /// <summary>Largest single gRPC message accepted (Kafka's socket.request.max.bytes).</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Request bytes the broker holds at once, across all connections.</summary>
    public long MaxInFlightBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Request bytes one client connection may have in flight.</summary>
    public long MaxInFlightBytesPerConnection { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest a fetch may wait for data, whatever it asks for.</summary>
    public int MaxFetchWaitMs { get; set; } = 30_000;

    public int FlushCheckIntervalMs { get; set; } = 100;

    public int RetentionCheckIntervalMs { get; set; } = 300_000;

    public int CheckpointIntervalMs { get; set; } = 10_000;

    /// <summary>Partitions of the internal __consumer_offsets topic (fixed once the topic exists).</summary>
    public int OffsetsTopicPartitions { get; set; } = 50;

    /// <summary>How long a group member's heartbeat may be held waiting for a change (the interval members are told).</summary>
    public int GroupHeartbeatIntervalMs { get; set; } = 3000;

    public int GroupMinSessionTimeoutMs { get; set; } = 1000;

    public int GroupMaxSessionTimeoutMs { get; set; } = 300_000;

    /// <summary>Seconds a graceful stop waits for calls in flight before closing the logs.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// The metadata quorum's voters, <c>id@host:port,...</c> (Kafka's controller.quorum.voters); every
    /// voter is also a broker. Empty: this node alone, at <see cref="BindAddress"/>:<see cref="ControllerPort"/>.
    /// A node not in the list is a broker only and follows the voters' metadata.
    /// </summary>
    public string ControllerVoters { get; set; } = string.Empty;

    /// <summary>TCP port of this node's quorum member when <see cref="ControllerVoters"/> is empty.</summary>
    public int ControllerPort { get; set; } = 9402;

    /// <summary>Rack of this broker (broker.rack), reported in metadata.</summary>
    public string Rack { get; set; } = string.Empty;

    /// <summary>Replication factor of topics created without one (default.replication.factor).</summary>
    public int DefaultReplicationFactor { get; set; } = 1;

    /// <summary>Replication factor of __consumer_offsets; 0: min(3, number of voters) (offsets.topic.replication.factor).</summary>
    public int OffsetsTopicReplicationFactor { get; set; }

    /// <summary>A broker silent for this long is fenced by the controller (broker.session.timeout.ms).</summary>
    public int BrokerSessionTimeoutMs { get; set; } = 3000;

    /// <summary>How often a broker heartbeats to the controller (broker.heartbeat.interval.ms).</summary>
    public int BrokerHeartbeatIntervalMs { get; set; } = 500;

    /// <summary>A follower not caught up for this long leaves the ISR (replica.lag.time.max.ms; Kafka's default is 30000).</summary>
    public int ReplicaLagTimeMaxMs { get; set; } = 10_000;

    /// <summary>Longest a follower's fetch waits at the leader (replica.fetch.wait.max.ms).</summary>
    public int ReplicaFetchWaitMaxMs { get; set; } = 500;

    /// <summary>Whether leadership moves back to preferred replicas by itself, and how often that is checked.</summary>
    public bool AutoLeaderRebalanceEnable { get; set; } = true;

    public int LeaderImbalanceCheckIntervalSeconds { get; set; } = 300;

    /// <summary>How long a stop waits for the controller to move this broker's leaderships away.</summary>
    public int ControlledShutdownTimeoutMs { get; set; } = 10_000;

    /// <summary>The quorum's randomised election timeout range (kept at 500 ms or more: see docs/architecture.md).</summary>
    public int QuorumElectionTimeoutMinMs { get; set; } = 500;

    public int QuorumElectionTimeoutMaxMs { get; set; } = 1000;

    /// <summary>Broker-wide topic config defaults, by Kafka topic config name (e.g. <c>retention.ms</c>, <c>flush.ms</c>).</summary>
    public Dictionary<string, string> TopicDefaults { get; set; } = [];

    /// <summary>Bounds on the log cleaner (the <c>LogBroker:Cleaner</c> section).</summary>
    public CleanerSettings Cleaner { get; set; } = new();

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);

    /// <summary>The voter list: as configured, or this node alone.</summary>
    public IReadOnlyList<Cluster.Quorum.QuorumVoter> Voters()
    {
        try
        {
            return string.IsNullOrWhiteSpace(ControllerVoters)
                ? [new Cluster.Quorum.QuorumVoter(NodeId, BindAddress == "0.0.0.0" ? "127.0.0.1" : BindAddress, ControllerPort)]
                : Cluster.Quorum.QuorumVoter.ParseList(ControllerVoters);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"LogBroker configuration: ControllerVoters: {e.Message}", e);
        }
    }

    /// <summary>Checks every setting; throws with a message naming the bad one.</summary>
    public LogConfig Validate()
    {
        Require(NodeId >= 0, $"NodeId must not be negative; got {NodeId}");
        Require(IPAddress.TryParse(BindAddress, out _), $"BindAddress '{BindAddress}' is not an IP address");
        Require(GrpcPort is >= 0 and <= 65535 && HttpPort is >= 0 and <= 65535, "ports must be from 0 to 65535");
        Require(GrpcPort == 0 || GrpcPort != HttpPort, "GrpcPort and HttpPort must differ");
        Require(KafkaPort is >= 0 and <= 65535, "KafkaPort must be from 0 to 65535");
        Require(!KafkaEnabled || KafkaPort == 0 || (KafkaPort != GrpcPort && KafkaPort != HttpPort), "KafkaPort must differ from GrpcPort and HttpPort");
        Require(KafkaMaxRequestBytes >= 1024 && KafkaMaxInFlightBytes > 0 && KafkaMaxInFlightBytesPerConnection > 0 && KafkaMaxQueuedRequestsPerConnection > 0, "Kafka request limits must be positive (KafkaMaxRequestBytes at least 1024)");
        Require(KafkaGroupInitialRebalanceDelayMs >= 0, "KafkaGroupInitialRebalanceDelayMs must not be negative");
        Require(MaxRequestBytes > 0 && MaxInFlightBytes > 0 && MaxInFlightBytesPerConnection > 0, "request and in-flight limits must be positive");
        Require(MaxFetchWaitMs >= 0 && FlushCheckIntervalMs > 0 && RetentionCheckIntervalMs > 0 && CheckpointIntervalMs > 0, "intervals must be positive");
        Require(!string.IsNullOrWhiteSpace(DataDirectory), "DataDirectory must be set");
        Require(OffsetsTopicPartitions is >= 1 and <= 1000, "OffsetsTopicPartitions must be from 1 to 1000");
        Require(GroupHeartbeatIntervalMs > 0 && GroupMinSessionTimeoutMs > 0 && GroupMaxSessionTimeoutMs >= GroupMinSessionTimeoutMs, "group timeouts must be positive, min not above max");
        Require(ControllerPort is >= 1 and <= 65535, "ControllerPort must be from 1 to 65535");
        Require(DefaultReplicationFactor >= 1 && OffsetsTopicReplicationFactor >= 0, "replication factors must be positive (0 for the offsets topic's default)");
        Require(BrokerHeartbeatIntervalMs > 0 && BrokerSessionTimeoutMs > 2 * BrokerHeartbeatIntervalMs, "BrokerSessionTimeoutMs must be more than twice BrokerHeartbeatIntervalMs");
        Require(ReplicaLagTimeMaxMs > 0 && ReplicaFetchWaitMaxMs >= 0 && ReplicaFetchWaitMaxMs < ReplicaLagTimeMaxMs, "ReplicaFetchWaitMaxMs must be below ReplicaLagTimeMaxMs");
        Require(LeaderImbalanceCheckIntervalSeconds > 0 && ControlledShutdownTimeoutMs >= 0, "intervals must be positive");
        Require(QuorumElectionTimeoutMinMs > 0 && QuorumElectionTimeoutMaxMs > QuorumElectionTimeoutMinMs, "the quorum election timeout range must be positive and not empty");
        _ = Voters(); // throws naming a malformed entry
        Cleaner.Validate();
        if (!TopicConfigKeys.TryApply(LogConfig.Default, TopicDefaults, out var defaults, out var error))
        {
            throw new InvalidOperationException($"LogBroker:TopicDefaults: {error}");
        }

        return defaults;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"LogBroker configuration: {message}");
        }
    }
}
