namespace LogBroker.Client.Consuming;

/// <summary>What one commit sent (nothing, when it had nothing to commit) and how it ended: for tests to observe auto-commits.</summary>
internal sealed record CommitReport(IReadOnlyList<TopicPartitionOffset> Offsets, bool Automatic, LogBrokerException? Error);
