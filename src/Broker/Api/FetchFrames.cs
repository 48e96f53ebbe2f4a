using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Framing;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage.Log;

namespace LogBroker.Broker.Api;

/// <summary>
/// Fetch and push results as records frames: a header entry per partition, and the partitions'
/// batches as sections over the log's memory (no copy here; the marshaller copies them into the
/// transport). The memory stays owned by the fetch outcome or the subscription chunk.
/// </summary>
internal static class FetchFrames
{
    public static RecordsFrame<RecordsFrameHeader> ForFetch(FetchRequest request, FetchOutcome outcome, List<(ErrorCode Code, string Message)?> refused, Func<TopicPartition, (int LeaderId, int LeaderEpoch)> leaderOf)
    {
        var header = new RecordsFrameHeader();
        var sections = new List<ReadOnlyMemory<byte>>(outcome.Results.Count);
        var next = 0;
        var slot = 0;
        foreach (var topic in request.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                if (refused[slot++] is { } error)
                {
                    header.Partitions.Add(new PartitionRecordsHeader { Topic = topic.Topic, Partition = p.Partition, ErrorCode = (int)error.Code, ErrorMessage = error.Message, HighWatermark = -1, LogStartOffset = -1 });
                    continue;
                }

                var result = outcome.Results[next++];
                header.Partitions.Add(Entry(result.TopicPartition, result.Error, result.ErrorMessage, result.Read, leaderOf));
                if (!result.Read.IsEmpty)
                {
                    sections.Add(result.Read.Records);
                }
            }
        }

        return new RecordsFrame<RecordsFrameHeader>(header, [.. sections]);
    }

    public static RecordsFrame<RecordsFrameHeader> ForChunk(SubscriptionChunk chunk, Func<TopicPartition, (int LeaderId, int LeaderEpoch)> leaderOf) =>
        new(new RecordsFrameHeader { Partitions = { Entry(chunk.TopicPartition, chunk.Error, chunk.ErrorMessage, chunk.Read, leaderOf) } }, chunk.Read.IsEmpty ? [] : [chunk.Read.Records]);

    public static RecordsFrame<RecordsFrameHeader> Refusal(TopicPartition partition, ErrorCode error, string message) =>
        new(new RecordsFrameHeader { Partitions = { new PartitionRecordsHeader { Topic = partition.Topic, Partition = partition.Partition, ErrorCode = (int)error, ErrorMessage = message, HighWatermark = -1, LogStartOffset = -1 } } }, []);

    private static PartitionRecordsHeader Entry(TopicPartition partition, ErrorCode error, string? message, LogReadResult read, Func<TopicPartition, (int LeaderId, int LeaderEpoch)> leaderOf)
    {
        var unknown = error == ErrorCode.UnknownTopicOrPartition || error == ErrorCode.InvalidTopicException;
        var (leader, epoch) = leaderOf(partition);
        return new PartitionRecordsHeader
        {
            Topic = partition.Topic,
            Partition = partition.Partition,
            ErrorCode = (int)error,
            ErrorMessage = message ?? string.Empty,
            HighWatermark = unknown ? -1 : read.HighWatermark,
            LogStartOffset = unknown ? -1 : read.LogStartOffset,
            RecordsLength = read.Records.Length,
            LeaderId = leader,
            LeaderEpoch = epoch,
        };
    }
}
