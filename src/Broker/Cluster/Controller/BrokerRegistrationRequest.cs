using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>A broker process announcing itself at start-up (Kafka's BrokerRegistration).</summary>
public sealed record BrokerRegistrationRequest(int NodeId, string Address, string Rack, string IncarnationId, bool PreviousShutdownClean, string KafkaEndpoint = "");

/// <summary>The broker epoch its later requests must carry, or why it was refused.</summary>
public sealed record BrokerRegistrationResult(ErrorCode Error, string? Message, long BrokerEpoch, long MetadataOffset);
