using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>What a fetch found for one partition: batches (memory over the log, kept alive by <see cref="Read"/>) or an error.</summary>
public readonly record struct FetchPartitionResult(TopicPartition TopicPartition, ErrorCode Error, string? ErrorMessage, LogReadResult Read);
