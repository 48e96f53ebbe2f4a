using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Partitions;

/// <summary>
/// One push of a subscription: a partition's next batches (memory over its log, kept alive by
/// <see cref="Read"/>; dispose once written) or an error that ends that partition's part of it.
/// </summary>
public readonly record struct SubscriptionChunk(TopicPartition TopicPartition, ErrorCode Error, string? ErrorMessage, LogReadResult Read) : IDisposable
{
    public void Dispose() => Read.Dispose();
}
