using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster;

/// <summary>
/// How this broker reaches the active controller: in process when this member leads the quorum,
/// otherwise over gRPC to the leader's address in the metadata image. Retries while no controller is
/// known, the one asked says NOT_CONTROLLER, or it cannot be reached, until the call's deadline; so
/// callers see a controller answer or, at worst, the last refusal. Topic changes return once this
/// broker's own image holds them (bounded), so a client that created a topic can use it through
/// this broker at once.
/// </summary>
public sealed class ControllerChannel(
    IMetadataQuorum quorum,
    MetadataStore store,
    QuorumController local,
    IRemoteControllerFactory remote,
    ILogger<ControllerChannel> logger) : IController
{
    /// <summary>How long a call keeps looking for a controller that answers.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(50);

    public Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken) =>
        CallAsync((c, t) => c.RegisterBrokerAsync(request, t), r => r.Error, (e, m) => new BrokerRegistrationResult(e, m, -1, 0), cancellationToken);

    public Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken) =>
        CallAsync((c, t) => c.HeartbeatAsync(request, t), r => r.Error, (e, m) => new BrokerHeartbeatResult(e, m, true, false), cancellationToken);

    public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request, CancellationToken cancellationToken) =>
        CallAsync((c, t) => c.AlterPartitionAsync(request, t), r => r.Error, (e, m) => new AlterPartitionResult(e, m, null, 0), cancellationToken);

    public Task<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, long brokerEpoch, CancellationToken cancellationToken) =>
        CallAsync((c, t) => c.AllocateProducerIdsAsync(brokerId, brokerEpoch, t), r => r.Error, (e, m) => new ProducerIdBlock(e, m, -1, 0), cancellationToken);

    public Task<TopicOperationResult> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken) =>
        TopicCallAsync((c, t) => c.CreateTopicAsync(request, t), cancellationToken);

    public Task<TopicOperationResult> DeleteTopicAsync(string name, CancellationToken cancellationToken) =>
        TopicCallAsync((c, t) => c.DeleteTopicAsync(name, t), cancellationToken);

    public Task<TopicOperationResult> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken) =>
        TopicCallAsync((c, t) => c.AlterConfigsAsync(name, set, remove, validateOnly, t), cancellationToken);

    public Task<TopicOperationResult> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken) =>
        TopicCallAsync((c, t) => c.CreatePartitionsAsync(name, newCount, validateOnly, t), cancellationToken);

    public Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyCollection<TopicPartition>? partitions, CancellationToken cancellationToken) =>
        CallAsync(
            (c, t) => c.ElectLeadersAsync(type, partitions, t),
            r => r.Count > 0 && r.All(x => x.Error == ErrorCode.NotController) ? ErrorCode.NotController : ErrorCode.None,
            (e, m) => partitions is null ? [] : [.. partitions.Select(tp => new ElectionResult(tp, e, m))],
            cancellationToken);

    private async Task<TopicOperationResult> TopicCallAsync(Func<IController, CancellationToken, Task<TopicOperationResult>> call, CancellationToken cancellationToken)
    {
        var result = await CallAsync(call, r => r.Error, (e, m) => TopicOperationResult.Fail(e, m), cancellationToken);
        if (result.MetadataOffset > 0 && !await store.WaitForOffsetAsync(result.MetadataOffset, DefaultDeadline, cancellationToken))
        {
            logger.LogWarning("Metadata offset {Offset} did not reach this broker within {Deadline}; answering anyway", result.MetadataOffset, DefaultDeadline);
        }

        return result;
    }

    private async Task<T> CallAsync<T>(Func<IController, CancellationToken, Task<T>> call, Func<T, ErrorCode> errorOf, Func<ErrorCode, string, T> failure, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(DefaultDeadline);
        var last = failure(ErrorCode.NotController, "no active controller is known yet");
        while (true)
        {
            try
            {
                var target = Current(out var description);
                if (target is not null)
                {
                    var result = await call(target, deadline.Token);
                    var error = errorOf(result);
                    if (error is not ErrorCode.NotController and not ErrorCode.NetworkException)
                    {
                        return result;
                    }

                    last = result;
                    logger.LogDebug("Controller call to {Controller} answered {Error}; retrying", description, error);
                }

                await Task.Delay(Backoff, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return last; // the deadline passed: the last refusal is the answer
            }
        }
    }

    private IController? Current(out string description)
    {
        if (quorum.IsLeader)
        {
            description = "this node";
            return local;
        }

        if (quorum.LeaderId is { } leader && leader != quorum.NodeId && store.Image.AddressOf(leader) is { } address)
        {
            description = $"node {leader} at {address}";
            return remote.For(address);
        }

        description = "none";
        return null;
    }
}

/// <summary>Makes a client of the controller service at a broker's gRPC address (the gRPC adapter lives in Api/).</summary>
public interface IRemoteControllerFactory
{
    IController For(string address);
}
