using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Api;

/// <summary>
/// Topic and cluster administration over gRPC. Changes go to the active controller (through
/// <see cref="ControllerChannel"/>, wherever it runs); descriptions read this broker's metadata image,
/// with log offsets and sizes for the partitions this broker leads (-1 for the others: clients ask
/// each leader, as the AdminClient does).
/// </summary>
public sealed class AdminService(ControllerChannel controller, MetadataStore metadata, TopicConfigResolver configs, ReplicaManager replicas, BrokerIdentity identity, IMetadataQuorum quorum) : Admin.AdminBase
{
    public override async Task<CreateTopicsResponse> CreateTopics(CreateTopicsRequest request, ServerCallContext context)
    {
        var response = new CreateTopicsResponse();
        foreach (var topic in request.Topics)
        {
            var result = await controller.CreateTopicAsync(new CreateTopicRequest(topic.Name, topic.Partitions, topic.ReplicationFactor, topic.Configs, request.ValidateOnly), context.CancellationToken);
            response.Results.Add(Map(topic.Name, result));
        }

        return response;
    }

    public override async Task<DeleteTopicsResponse> DeleteTopics(DeleteTopicsRequest request, ServerCallContext context)
    {
        var response = new DeleteTopicsResponse();
        foreach (var name in request.Topics)
        {
            response.Results.Add(Map(name, await controller.DeleteTopicAsync(name, context.CancellationToken)));
        }

        return response;
    }

    public override Task<ListTopicsResponse> ListTopics(ListTopicsRequest request, ServerCallContext context)
    {
        var response = new ListTopicsResponse();
        foreach (var topic in metadata.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!topic.IsInternal || request.IncludeInternal)
            {
                response.Topics.Add(new TopicListing { Name = topic.Name, Partitions = topic.PartitionCount, Internal = topic.IsInternal });
            }
        }

        return Task.FromResult(response);
    }

    public override Task<DescribeTopicsResponse> DescribeTopics(DescribeTopicsRequest request, ServerCallContext context)
    {
        var topics = metadata.Topics;
        var names = request.Topics.Count > 0
            ? request.Topics.ToList()
            : topics.Values.Where(t => !t.IsInternal || request.IncludeInternal).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var response = new DescribeTopicsResponse();
        foreach (var name in names)
        {
            response.Topics.Add(topics.TryGetValue(name, out var topic)
                ? Describe(topic)
                : new TopicDescription { Name = name, ErrorCode = (int)ErrorCode.UnknownTopicOrPartition, ErrorMessage = $"topic '{name}' does not exist" });
        }

        return Task.FromResult(response);
    }

    public override async Task<AlterConfigsResponse> AlterConfigs(AlterConfigsRequest request, ServerCallContext context)
    {
        var response = new AlterConfigsResponse();
        foreach (var change in request.Topics)
        {
            var result = await controller.AlterConfigsAsync(change.Topic, change.Set, change.Remove, request.ValidateOnly, context.CancellationToken);
            response.Results.Add(Map(change.Topic, result));
        }

        return response;
    }

    public override async Task<CreatePartitionsResponse> CreatePartitions(CreatePartitionsRequest request, ServerCallContext context)
    {
        var response = new CreatePartitionsResponse();
        foreach (var change in request.Topics)
        {
            response.Results.Add(Map(change.Topic, await controller.CreatePartitionsAsync(change.Topic, change.Count, request.ValidateOnly, context.CancellationToken)));
        }

        return response;
    }

    public override async Task<ElectLeadersResponse> ElectLeaders(ElectLeadersRequest request, ServerCallContext context) =>
        ElectionMapping.ToProto(await controller.ElectLeadersAsync(ElectionMapping.Type(request.Type), ElectionMapping.Partitions(request), context.CancellationToken));

    public override Task<DescribeClusterResponse> DescribeCluster(DescribeClusterRequest request, ServerCallContext context)
    {
        var image = metadata.Image;
        var status = quorum.Status;
        var response = new DescribeClusterResponse { ClusterId = identity.ClusterId, ControllerId = status.LeaderId ?? -1, MetadataOffset = image.Offset };
        var leads = new Dictionary<int, int>();
        var hosts = new Dictionary<int, int>();
        foreach (var topic in image.Topics.Values)
        {
            foreach (var p in topic.Partitions)
            {
                leads[p.Leader] = leads.GetValueOrDefault(p.Leader) + 1;
                foreach (var r in p.Replicas)
                {
                    hosts[r] = hosts.GetValueOrDefault(r) + 1;
                }

                response.UnderReplicatedPartitions += p.IsUnderReplicated ? 1 : 0;
                response.OfflinePartitions += p.HasLeader && image.IsActive(p.Leader) ? 0 : 1;
            }
        }

        foreach (var b in image.Brokers.Values.OrderBy(b => b.NodeId))
        {
            response.Brokers.Add(new ClusterBroker
            {
                NodeId = b.NodeId,
                Address = b.Address,
                Rack = b.Rack,
                State = b.State,
                BrokerEpoch = b.BrokerEpoch,
                LeaderPartitions = leads.GetValueOrDefault(b.NodeId),
                ReplicaPartitions = hosts.GetValueOrDefault(b.NodeId),
            });
        }

        var described = new QuorumDescription { LeaderId = status.LeaderId ?? -1, Term = status.Term, CommitIndex = status.CommitIndex, ReportedBy = status.NodeId };
        var now = DateTimeOffset.UtcNow;
        foreach (var v in status.Voters)
        {
            described.Voters.Add(new VoterDescription
            {
                NodeId = v.NodeId,
                Endpoint = v.Endpoint,
                MatchIndex = v.MatchIndex,
                Lag = v.MatchIndex < 0 ? -1 : Math.Max(0, status.CommitIndex - v.MatchIndex),
                LastContactMsAgo = v.LastContact is { } seen ? (long)(now - seen).TotalMilliseconds : -1,
            });
        }

        response.Quorum = described;
        return Task.FromResult(response);
    }

    private TopicDescription Describe(TopicImage topic)
    {
        var description = new TopicDescription { Name = topic.Name, TopicId = topic.TopicId.ToString("N"), Internal = topic.IsInternal };
        foreach (var (key, value) in TopicConfigKeys.ToDictionary(configs.Resolve(topic)))
        {
            description.Configs[key] = value;
        }

        description.OverrideKeys.AddRange(topic.ConfigOverrides.Keys.Order(StringComparer.Ordinal));
        foreach (var p in topic.Partitions)
        {
            var partition = new PartitionDescription
            {
                Partition = p.Partition,
                Leader = p.Leader,
                LeaderEpoch = p.LeaderEpoch,
                LogStartOffset = -1,
                LogEndOffset = -1,
                HighWatermark = -1,
            };
            partition.Replicas.AddRange(p.Replicas);
            partition.Isr.AddRange(p.Isr);
            if (replicas.TryGetPartition(new TopicPartition(topic.Name, p.Partition), out var hosted) && hosted.IsLeader)
            {
                var log = hosted.Log;
                partition.LogStartOffset = log.LogStartOffset;
                partition.LogEndOffset = log.LogEndOffset;
                partition.HighWatermark = log.HighWatermark;
                partition.SizeBytes = log.SizeInBytes;
                partition.SegmentCount = log.SegmentCount;
            }

            description.Partitions.Add(partition);
        }

        return description;
    }

    private static TopicResult Map(string topic, TopicOperationResult result) => new()
    {
        Topic = topic,
        ErrorCode = (int)result.Error,
        ErrorMessage = result.Message ?? string.Empty,
    };
}
