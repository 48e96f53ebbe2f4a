using Grpc.Core;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Proto = LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>
/// The controller at another broker's address, over gRPC. A transport failure becomes a
/// NETWORK_EXCEPTION result, which <see cref="ControllerChannel"/> retries elsewhere.
/// </summary>
public sealed class RemoteController(string address, BrokerChannels channels) : IController
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly Proto.Controller.ControllerClient _client = new(channels.For(address));

    public Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken) =>
        CallAsync(
            async (deadline, token) =>
            {
                var r = await _client.RegisterBrokerAsync(new Proto.BrokerRegistrationRequest { NodeId = request.NodeId, Address = request.Address, Rack = request.Rack, IncarnationId = request.IncarnationId, PreviousShutdownClean = request.PreviousShutdownClean, KafkaEndpoint = request.KafkaEndpoint }, deadline: deadline, cancellationToken: token);
                return new BrokerRegistrationResult((ErrorCode)r.ErrorCode, r.ErrorMessage, r.BrokerEpoch, r.MetadataOffset);
            },
            message => new BrokerRegistrationResult(ErrorCode.NetworkException, message, -1, 0),
            cancellationToken);

    public Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken) =>
        CallAsync(
            async (deadline, token) =>
            {
                var r = await _client.BrokerHeartbeatAsync(new Proto.BrokerHeartbeatRequest { NodeId = request.NodeId, BrokerEpoch = request.BrokerEpoch, MetadataOffset = request.MetadataOffset, WantShutDown = request.WantShutDown }, deadline: deadline, cancellationToken: token);
                return new BrokerHeartbeatResult((ErrorCode)r.ErrorCode, r.ErrorMessage, r.IsFenced, r.ShouldShutDown);
            },
            message => new BrokerHeartbeatResult(ErrorCode.NetworkException, message, true, false),
            cancellationToken);

    public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request, CancellationToken cancellationToken) =>
        CallAsync(
            async (deadline, token) =>
            {
                var call = new Proto.AlterPartitionRequest
                {
                    BrokerId = request.BrokerId,
                    BrokerEpoch = request.BrokerEpoch,
                    Topic = request.TopicPartition.Topic,
                    Partition = request.TopicPartition.Partition,
                    LeaderEpoch = request.LeaderEpoch,
                    PartitionEpoch = request.PartitionEpoch,
                };
                call.NewIsr.AddRange(request.NewIsr);
                var r = await _client.AlterPartitionAsync(call, deadline: deadline, cancellationToken: token);
                return new AlterPartitionResult((ErrorCode)r.ErrorCode, r.ErrorMessage, r.Partition is { } p ? ControllerMapping.ToImage(p) : null, r.MetadataOffset);
            },
            message => new AlterPartitionResult(ErrorCode.NetworkException, message, null, 0),
            cancellationToken);

    public Task<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, long brokerEpoch, CancellationToken cancellationToken) =>
        CallAsync(
            async (deadline, token) =>
            {
                var r = await _client.AllocateProducerIdsAsync(new Proto.AllocateProducerIdsRequest { BrokerId = brokerId, BrokerEpoch = brokerEpoch }, deadline: deadline, cancellationToken: token);
                return new ProducerIdBlock((ErrorCode)r.ErrorCode, r.ErrorMessage, r.FirstProducerId, r.BlockSize);
            },
            message => new ProducerIdBlock(ErrorCode.NetworkException, message, -1, 0),
            cancellationToken);

    public Task<TopicOperationResult> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken) =>
        TopicCallAsync(
            (deadline, token) =>
            {
                var topic = new Proto.NewTopic { Name = request.Name, Partitions = request.Partitions, ReplicationFactor = request.ReplicationFactor };
                foreach (var (key, value) in request.Configs)
                {
                    topic.Configs[key] = value;
                }

                return _client.CreateTopicAsync(new Proto.ControllerCreateTopicRequest { Topic = topic, ValidateOnly = request.ValidateOnly, Internal = request.IsInternal }, deadline: deadline, cancellationToken: token).ResponseAsync;
            },
            cancellationToken);

    public Task<TopicOperationResult> DeleteTopicAsync(string name, CancellationToken cancellationToken) =>
        TopicCallAsync((deadline, token) => _client.DeleteTopicAsync(new Proto.ControllerDeleteTopicRequest { Name = name }, deadline: deadline, cancellationToken: token).ResponseAsync, cancellationToken);

    public Task<TopicOperationResult> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken) =>
        TopicCallAsync(
            (deadline, token) =>
            {
                var change = new Proto.TopicConfigChange { Topic = name };
                foreach (var (key, value) in set)
                {
                    change.Set[key] = value;
                }

                change.Remove.AddRange(remove);
                return _client.AlterConfigsAsync(new Proto.ControllerAlterConfigsRequest { Change = change, ValidateOnly = validateOnly }, deadline: deadline, cancellationToken: token).ResponseAsync;
            },
            cancellationToken);

    public Task<TopicOperationResult> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken) =>
        TopicCallAsync((deadline, token) => _client.CreatePartitionsAsync(new Proto.ControllerCreatePartitionsRequest { Change = new Proto.PartitionCountChange { Topic = name, Count = newCount }, ValidateOnly = validateOnly }, deadline: deadline, cancellationToken: token).ResponseAsync, cancellationToken);

    public Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyCollection<TopicPartition>? partitions, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<ElectionResult>>(
            async (deadline, token) =>
            {
                var request = new Proto.ElectLeadersRequest { Type = ElectionMapping.ToProto(type) };
                foreach (var group in (partitions ?? []).GroupBy(p => p.Topic, StringComparer.Ordinal))
                {
                    var topic = new Proto.TopicPartitions { Topic = group.Key };
                    topic.Partitions.AddRange(group.Select(p => p.Partition));
                    request.Partitions.Add(topic);
                }

                var r = await _client.ElectLeadersAsync(request, deadline: deadline, cancellationToken: token);
                if (r.ErrorCode != 0 && r.Results.Count == 0)
                {
                    return [new ElectionResult(new TopicPartition(string.Empty, -1), (ErrorCode)r.ErrorCode, r.ErrorMessage)];
                }

                return [.. r.Results.Select(o => new ElectionResult(new TopicPartition(o.Topic, o.Partition), (ErrorCode)o.ErrorCode, o.ErrorMessage))];
            },
            message => [new ElectionResult(new TopicPartition(string.Empty, -1), ErrorCode.NetworkException, message)],
            cancellationToken);

    private Task<TopicOperationResult> TopicCallAsync(Func<DateTime, CancellationToken, Task<Proto.ControllerTopicResponse>> call, CancellationToken cancellationToken) =>
        CallAsync(
            async (deadline, token) =>
            {
                var r = await call(deadline, token);
                return new TopicOperationResult((ErrorCode)r.ErrorCode, r.ErrorMessage, r.MetadataOffset);
            },
            message => TopicOperationResult.Fail(ErrorCode.NetworkException, message),
            cancellationToken);

    private async Task<T> CallAsync<T>(Func<DateTime, CancellationToken, Task<T>> call, Func<string, T> unreachable, CancellationToken cancellationToken)
    {
        try
        {
            return await call(DateTime.UtcNow + CallTimeout, cancellationToken);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return unreachable($"the controller at {address} could not be reached: {e.StatusCode} {e.Status.Detail}");
        }
    }
}

/// <summary>One <see cref="RemoteController"/> per address.</summary>
public sealed class RemoteControllerFactory(BrokerChannels channels) : IRemoteControllerFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RemoteController> _controllers = new(StringComparer.Ordinal);

    public IController For(string address) => _controllers.GetOrAdd(address, a => new RemoteController(a, channels));
}
