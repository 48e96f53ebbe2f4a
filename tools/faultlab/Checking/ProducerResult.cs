using LogBroker.Faultlab.Workload;

namespace LogBroker.Faultlab.Checking;

/// <summary>What one producer of the workload sent and learnt, once producing is over.</summary>
public sealed record ProducerResult(int Index, ProducerSpec Spec, long Sent, IReadOnlyList<Ack> Acks, IReadOnlyList<DeliveryFailure> Failures);
