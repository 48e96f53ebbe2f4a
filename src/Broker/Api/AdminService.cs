using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Partitions;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.Protocol.Grpc;
using LogBroker.Storage.Config;

namespace LogBroker.Broker.Api;

/// <summary>Topic administration over gRPC: each topic's request goes to the topic controller; descriptions read the partitions.</summary>
public sealed class AdminService(TopicController controller, MetadataStore metadata, TopicConfigResolver configs, ReplicaManager replicas) : Admin.AdminBase
{
    public override async Task<CreateTopicsResponse> CreateTopics(CreateTopicsRequest request, ServerCallContext context)
    {
        var response = new CreateTopicsResponse();
        foreach (var topic in request.Topics)
        {
            var result = await controller.CreateTopicAsync(topic.Name, topic.Partitions, topic.ReplicationFactor, topic.Configs, request.ValidateOnly, cancellationToken: context.CancellationToken);
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
            response.Topics.Add(topics.TryGetValue(name, out var spec)
                ? Describe(spec)
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

    private TopicDescription Describe(TopicSpec spec)
    {
        var description = new TopicDescription { Name = spec.Name, TopicId = spec.TopicId.ToString("N"), Internal = spec.IsInternal };
        foreach (var (key, value) in TopicConfigKeys.ToDictionary(configs.Resolve(spec)))
        {
            description.Configs[key] = value;
        }

        description.OverrideKeys.AddRange(spec.ConfigOverrides.Keys.Order(StringComparer.Ordinal));
        for (var p = 0; p < spec.PartitionCount; p++)
        {
            var partition = new PartitionDescription { Partition = p, Leader = -1, LeaderEpoch = -1, LogStartOffset = -1, LogEndOffset = -1, HighWatermark = -1 };
            if (replicas.TryGetPartition(new TopicPartition(spec.Name, p), out var hosted))
            {
                var log = hosted.Log;
                partition.Leader = hosted.LeaderId;
                partition.LeaderEpoch = hosted.LeaderEpoch;
                partition.Replicas.AddRange(hosted.Replicas);
                partition.Isr.AddRange(hosted.InSyncReplicas);
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
