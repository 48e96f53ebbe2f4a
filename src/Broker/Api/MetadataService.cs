using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>
/// Brokers, topics, partitions and their leaders as this broker's metadata image has them, as clients
/// route by them. Only unfenced brokers are listed: clients never route to a fenced one.
/// </summary>
public sealed class MetadataService(BrokerIdentity identity, MetadataStore metadata, IMetadataQuorum quorum) : LogBroker.Protocol.Grpc.Metadata.MetadataBase
{
    public override Task<MetadataResponse> GetMetadata(MetadataRequest request, ServerCallContext context)
    {
        var image = metadata.Image;
        var response = new MetadataResponse { ClusterId = identity.ClusterId, ControllerId = quorum.LeaderId ?? -1 };
        foreach (var broker in image.Brokers.Values.OrderBy(b => b.NodeId))
        {
            if (broker.IsActive)
            {
                response.Brokers.Add(new BrokerNode { NodeId = broker.NodeId, Address = broker.Address, Rack = broker.Rack });
            }
        }

        IEnumerable<string> names = request.AllTopics
            ? image.Topics.Values.Where(t => !t.IsInternal).Select(t => t.Name).Order(StringComparer.Ordinal)
            : request.Topics;
        foreach (var name in names)
        {
            if (!TopicName.IsValid(name, out var invalid))
            {
                response.Topics.Add(new TopicMetadata { Name = name, ErrorCode = (int)ErrorCode.InvalidTopicException, ErrorMessage = invalid });
            }
            else if (!image.Topics.TryGetValue(name, out var topic))
            {
                response.Topics.Add(new TopicMetadata { Name = name, ErrorCode = (int)ErrorCode.UnknownTopicOrPartition, ErrorMessage = $"topic '{name}' does not exist" });
            }
            else
            {
                response.Topics.Add(Describe(image, topic));
            }
        }

        return Task.FromResult(response);
    }

    private static TopicMetadata Describe(ClusterImage image, TopicImage topic)
    {
        var result = new TopicMetadata { Name = topic.Name, Internal = topic.IsInternal };
        foreach (var p in topic.Partitions)
        {
            var partition = new PartitionMetadata { Partition = p.Partition, LeaderId = p.Leader, LeaderEpoch = p.LeaderEpoch };
            partition.Replicas.AddRange(p.Replicas);
            partition.Isr.AddRange(p.Isr);
            if (!p.HasLeader || !image.IsActive(p.Leader) && image.Brokers.TryGetValue(p.Leader, out var b) && b.Fenced)
            {
                partition.ErrorCode = (int)ErrorCode.LeaderNotAvailable;
            }

            result.Partitions.Add(partition);
        }

        return result;
    }
}
