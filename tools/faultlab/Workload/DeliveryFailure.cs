using LogBroker.Protocol.Errors;

namespace LogBroker.Faultlab.Workload;

/// <summary>A record whose delivery failed for good (its outcome is unknown: it may or may not be stored), with the error and when.</summary>
public readonly record struct DeliveryFailure(long Sequence, ErrorCode Code, long SentMicros, long AtMicros);
