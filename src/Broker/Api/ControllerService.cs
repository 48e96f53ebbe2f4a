using Grpc.Core;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Proto = LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>
/// The controller service over gRPC: maps each call to the local <see cref="QuorumController"/>, which
/// answers NOT_CONTROLLER unless this member leads the metadata quorum.
/// </summary>
public sealed class ControllerService(QuorumController controller) : Proto.Controller.ControllerBase
{
    public override async Task<Proto.BrokerRegistrationResponse> RegisterBroker(Proto.BrokerRegistrationRequest request, ServerCallContext context)
    {
        var result = await controller.RegisterBrokerAsync(new BrokerRegistrationRequest(request.NodeId, request.Address, request.Rack, request.IncarnationId, request.PreviousShutdownClean, request.KafkaEndpoint), context.CancellationToken);
        return new Proto.BrokerRegistrationResponse { ErrorCode = (int)result.Error, ErrorMessage = result.Message ?? string.Empty, BrokerEpoch = result.BrokerEpoch, MetadataOffset = result.MetadataOffset };
    }

    public override async Task<Proto.BrokerHeartbeatResponse> BrokerHeartbeat(Proto.BrokerHeartbeatRequest request, ServerCallContext context)
    {
        var result = await controller.HeartbeatAsync(new BrokerHeartbeatRequest(request.NodeId, request.BrokerEpoch, request.MetadataOffset, request.WantShutDown), context.CancellationToken);
        return new Proto.BrokerHeartbeatResponse { ErrorCode = (int)result.Error, ErrorMessage = result.Message ?? string.Empty, IsFenced = result.IsFenced, ShouldShutDown = result.ShouldShutDown };
    }

    public override async Task<Proto.AlterPartitionResponse> AlterPartition(Proto.AlterPartitionRequest request, ServerCallContext context)
    {
        var result = await controller.AlterPartitionAsync(
            new AlterPartitionRequest(request.BrokerId, request.BrokerEpoch, new TopicPartition(request.Topic, request.Partition), request.LeaderEpoch, request.PartitionEpoch, [.. request.NewIsr]),
            context.CancellationToken);
        return new Proto.AlterPartitionResponse
        {
            ErrorCode = (int)result.Error,
            ErrorMessage = result.Message ?? string.Empty,
            Partition = result.Partition is { } p ? ControllerMapping.ToProto(request.Topic, p) : null,
            MetadataOffset = result.MetadataOffset,
        };
    }

    public override async Task<Proto.AllocateProducerIdsResponse> AllocateProducerIds(Proto.AllocateProducerIdsRequest request, ServerCallContext context)
    {
        var block = await controller.AllocateProducerIdsAsync(request.BrokerId, request.BrokerEpoch, context.CancellationToken);
        return new Proto.AllocateProducerIdsResponse { ErrorCode = (int)block.Error, ErrorMessage = block.Message ?? string.Empty, FirstProducerId = block.FirstProducerId, BlockSize = block.Size };
    }

    public override async Task<Proto.ControllerTopicResponse> CreateTopic(Proto.ControllerCreateTopicRequest request, ServerCallContext context) =>
        Map(await controller.CreateTopicAsync(
            new CreateTopicRequest(request.Topic.Name, request.Topic.Partitions, request.Topic.ReplicationFactor, ControllerMapping.Map(request.Topic.Configs), request.ValidateOnly, request.Internal),
            context.CancellationToken));

    public override async Task<Proto.ControllerTopicResponse> DeleteTopic(Proto.ControllerDeleteTopicRequest request, ServerCallContext context) =>
        Map(await controller.DeleteTopicAsync(request.Name, context.CancellationToken));

    public override async Task<Proto.ControllerTopicResponse> AlterConfigs(Proto.ControllerAlterConfigsRequest request, ServerCallContext context) =>
        Map(await controller.AlterConfigsAsync(request.Change.Topic, ControllerMapping.Map(request.Change.Set), [.. request.Change.Remove], request.ValidateOnly, context.CancellationToken));

    public override async Task<Proto.ControllerTopicResponse> CreatePartitions(Proto.ControllerCreatePartitionsRequest request, ServerCallContext context) =>
        Map(await controller.CreatePartitionsAsync(request.Change.Topic, request.Change.Count, request.ValidateOnly, context.CancellationToken));

    public override async Task<Proto.ElectLeadersResponse> ElectLeaders(Proto.ElectLeadersRequest request, ServerCallContext context) =>
        ElectionMapping.ToProto(await controller.ElectLeadersAsync(ElectionMapping.Type(request.Type), ElectionMapping.Partitions(request), context.CancellationToken));

    private static Proto.ControllerTopicResponse Map(Cluster.TopicOperationResult result) =>
        new() { ErrorCode = (int)result.Error, ErrorMessage = result.Message ?? string.Empty, MetadataOffset = result.MetadataOffset };
}

/// <summary>Elections between their domain and wire shapes (the admin and controller services both take them).</summary>
internal static class ElectionMapping
{
    public static ElectionType Type(Proto.ElectionType type) => type == Proto.ElectionType.Unclean ? ElectionType.Unclean : ElectionType.Preferred;

    public static Proto.ElectionType ToProto(ElectionType type) => type == ElectionType.Unclean ? Proto.ElectionType.Unclean : Proto.ElectionType.Preferred;

    public static IReadOnlyCollection<TopicPartition>? Partitions(Proto.ElectLeadersRequest request) =>
        request.Partitions.Count == 0 ? null : [.. request.Partitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p)))];

    public static Proto.ElectLeadersResponse ToProto(IReadOnlyList<ElectionResult> results)
    {
        var response = new Proto.ElectLeadersResponse();
        foreach (var r in results)
        {
            response.Results.Add(new Proto.ElectionOutcome { Topic = r.TopicPartition.Topic, Partition = r.TopicPartition.Partition, ErrorCode = (int)r.Error, ErrorMessage = r.Message ?? string.Empty });
        }

        if (results.Count > 0 && results.All(r => r.Error == ErrorCode.NotController))
        {
            response.ErrorCode = (int)ErrorCode.NotController;
            response.ErrorMessage = results[0].Message ?? string.Empty;
        }

        return response;
    }
}
