using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>Brokers, topics, partitions and their leaders, as clients route by them.</summary>
public sealed class MetadataService(BrokerIdentity identity, MetadataStore metadata, ReplicaManager replicas) : LogBroker.Protocol.Grpc.Metadata.MetadataBase
{
    public override Task<MetadataResponse> GetMetadata(MetadataRequest request, ServerCallContext context)
    {
        var response = new MetadataResponse { ClusterId = identity.ClusterId, ControllerId = identity.NodeId };
        response.Brokers.Add(new BrokerNode { NodeId = identity.NodeId, Address = identity.Address });
        var topics = metadata.Topics;
        IEnumerable<string> names = request.AllTopics
            ? topics.Values.Where(t => !t.IsInternal).Select(t => t.Name).Order(StringComparer.Ordinal)
            : request.Topics;
        foreach (var name in names)
        {
            if (!TopicName.IsValid(name, out var invalid))
            {
                response.Topics.Add(new TopicMetadata { Name = name, ErrorCode = (int)ErrorCode.InvalidTopicException, ErrorMessage = invalid });
            }
            else if (!topics.TryGetValue(name, out var spec))
            {
                response.Topics.Add(new TopicMetadata { Name = name, ErrorCode = (int)ErrorCode.UnknownTopicOrPartition, ErrorMessage = $"topic '{name}' does not exist" });
            }
            else
            {
                response.Topics.Add(Describe(spec));
            }
        }

        return Task.FromResult(response);
    }

    private TopicMetadata Describe(TopicSpec spec)
    {
        var topic = new TopicMetadata { Name = spec.Name, Internal = spec.IsInternal };
        for (var p = 0; p < spec.PartitionCount; p++)
        {
            var partition = new PartitionMetadata { Partition = p, LeaderId = -1, LeaderEpoch = -1 };
            if (replicas.TryGetPartition(new TopicPartition(spec.Name, p), out var hosted))
            {
                partition.LeaderId = hosted.LeaderId;
                partition.LeaderEpoch = hosted.LeaderEpoch;
                partition.Replicas.AddRange(hosted.Replicas);
                partition.Isr.AddRange(hosted.InSyncReplicas);
            }
            else
            {
                partition.ErrorCode = (int)ErrorCode.LeaderNotAvailable;
            }

            topic.Partitions.Add(partition);
        }

        return topic;
    }
}
