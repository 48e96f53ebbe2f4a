namespace LogBroker.Faultlab.Reporting;

/// <summary>One producer's totals: how it sent, and how many records were acknowledged or failed (by error code).</summary>
public sealed record ProducerTotals(string Name, string Acks, bool Keyed, string Compression, bool Idempotent, long Sent, long Acked, long Failed, IReadOnlyDictionary<string, long> FailedByCode);
