using LogBroker.Protocol;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// The active controller's operations, as brokers and the admin API call them. Implemented by the
/// controller itself (<see cref="QuorumController"/>, on the quorum leader) and by a gRPC client of
/// it (on every other broker); <see cref="ControllerChannel"/> picks the right one and retries while
/// the controller moves. Every result carries an error code; NOT_CONTROLLER means "ask again".
/// </summary>
public interface IController
{
    Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken);

    Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken);

    Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request, CancellationToken cancellationToken);

    Task<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, long brokerEpoch, CancellationToken cancellationToken);

    Task<TopicOperationResult> CreateTopicAsync(CreateTopicRequest request, CancellationToken cancellationToken);

    Task<TopicOperationResult> DeleteTopicAsync(string name, CancellationToken cancellationToken);

    Task<TopicOperationResult> AlterConfigsAsync(string name, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, bool validateOnly, CancellationToken cancellationToken);

    Task<TopicOperationResult> CreatePartitionsAsync(string name, int newCount, bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Preferred-leader (or unclean) election for the given partitions, or every partition when null.</summary>
    Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyCollection<TopicPartition>? partitions, CancellationToken cancellationToken);
}
