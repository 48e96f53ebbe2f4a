using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Proto = LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>
/// <see cref="IPartitionOffsets"/> for the cluster: partitions led here are answered in process, the
/// others by their leader's ListOffsets over gRPC (one call per leader).
/// </summary>
public sealed class ClusterPartitionOffsets(ReplicaManager replicas, MetadataStore metadata, BrokerChannels channels) : IPartitionOffsets
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyDictionary<TopicPartition, ListedOffset>> ListAsync(IReadOnlyCollection<TopicPartition> partitions, long spec, CancellationToken cancellationToken)
    {
        var result = new Dictionary<TopicPartition, ListedOffset>();
        var remote = new Dictionary<string, List<TopicPartition>>(StringComparer.Ordinal);
        var image = metadata.Image;
        foreach (var tp in partitions)
        {
            if (replicas.TryGetPartition(tp, out var local) && local.IsLeader)
            {
                var (error, message, offset, _) = local.ListOffset(spec);
                result[tp] = new ListedOffset(error, message, offset);
            }
            else if (image.TryGetPartition(tp, out var p) && p.HasLeader && image.AddressOf(p.Leader) is { } address)
            {
                (remote.TryGetValue(address, out var list) ? list : remote[address] = []).Add(tp);
            }
            else
            {
                result[tp] = new ListedOffset(ErrorCode.LeaderNotAvailable, $"{tp} has no leader right now", -1);
            }
        }

        foreach (var (address, list) in remote)
        {
            var request = new Proto.ListOffsetsRequest();
            foreach (var group in list.GroupBy(tp => tp.Topic, StringComparer.Ordinal))
            {
                var topic = new Proto.TopicListOffsets { Topic = group.Key };
                topic.Partitions.AddRange(group.Select(tp => new Proto.PartitionListOffsets { Partition = tp.Partition, Timestamp = spec }));
                request.Topics.Add(topic);
            }

            try
            {
                var response = await new Proto.Fetch.FetchClient(channels.For(address)).ListOffsetsAsync(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
                foreach (var topic in response.Topics)
                {
                    foreach (var p in topic.Partitions)
                    {
                        result[new TopicPartition(topic.Topic, p.Partition)] = new ListedOffset((ErrorCode)p.ErrorCode, p.ErrorMessage, p.Offset);
                    }
                }
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                foreach (var tp in list)
                {
                    result[tp] = new ListedOffset(ErrorCode.NetworkException, $"the leader of {tp} at {address} could not be reached: {e.Status.Detail}", -1);
                }
            }
        }

        return result;
    }
}
