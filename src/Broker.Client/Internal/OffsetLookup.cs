using Grpc.Core;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Client.Internal;

/// <summary>ListOffsets against each partition's leader: earliest, latest, or the first offset at or after a time.</summary>
internal sealed class OffsetLookup(MetadataCache metadata, ChannelPool channels, TimeSpan requestTimeout)
{
    /// <summary>
    /// Offsets for each (partition, spec) where spec is <see cref="OffsetSpecs.Earliest"/>,
    /// <see cref="OffsetSpecs.Latest"/> or a timestamp. A timestamp after the last record gives offset -1.
    /// Throws <see cref="LogBrokerException"/> for the first partition that fails.
    /// </summary>
    public async Task<Dictionary<TopicPartition, (long Offset, long Timestamp)>> ListAsync(IEnumerable<(TopicPartition Partition, long Spec)> requests, CancellationToken cancellationToken)
    {
        var byLeader = new Dictionary<string, List<(TopicPartition Partition, long Spec)>>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var leader = await metadata.LeaderAddressAsync(request.Partition, cancellationToken);
            if (!byLeader.TryGetValue(leader, out var list))
            {
                byLeader[leader] = list = [];
            }

            list.Add(request);
        }

        var result = new Dictionary<TopicPartition, (long, long)>();
        foreach (var (leader, list) in byLeader)
        {
            var request = new ListOffsetsRequest();
            foreach (var group in list.GroupBy(r => r.Partition.Topic))
            {
                var topic = new TopicListOffsets { Topic = group.Key };
                topic.Partitions.AddRange(group.Select(r => new PartitionListOffsets { Partition = r.Partition.Partition, Timestamp = r.Spec }));
                request.Topics.Add(topic);
            }

            ListOffsetsResponse response;
            try
            {
                var client = new LogBroker.Protocol.Grpc.Fetch.FetchClient(channels.For(leader));
                response = await client.ListOffsetsAsync(request, deadline: DateTime.UtcNow + requestTimeout, cancellationToken: cancellationToken);
            }
            catch (RpcException e)
            {
                throw e.ToLogBroker(leader);
            }

            foreach (var topic in response.Topics)
            {
                foreach (var p in topic.Partitions)
                {
                    var tp = new TopicPartition(topic.Topic, p.Partition);
                    if (p.ErrorCode != 0)
                    {
                        if (((ErrorCode)p.ErrorCode).IsRetriable())
                        {
                            metadata.Invalidate(topic.Topic);
                        }

                        throw new LogBrokerException((ErrorCode)p.ErrorCode, $"{tp}: {p.ErrorMessage}");
                    }

                    result[tp] = (p.Offset, p.Timestamp);
                }
            }
        }

        return result;
    }
}
