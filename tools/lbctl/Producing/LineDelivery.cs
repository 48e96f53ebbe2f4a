namespace LogBroker.Lbctl.Producing;

/// <summary>Where one input line landed, or why it did not; offset -1 with acks=none (the broker does not say).</summary>
internal sealed record LineDelivery(int Line, int? Partition, long? Offset, long? Timestamp, string? Error);
