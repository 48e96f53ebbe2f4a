using LogBroker.Broker.Cluster.Image;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>
/// A partition leader's proposal to change the ISR (Kafka's AlterPartition): valid only against the
/// leader and partition epochs it names, so a leader that lost a race, or a deposed one, changes nothing.
/// </summary>
public sealed record AlterPartitionRequest(int BrokerId, long BrokerEpoch, TopicPartition TopicPartition, int LeaderEpoch, int PartitionEpoch, IReadOnlyList<int> NewIsr);

/// <summary>The partition as now recorded (with its new partition epoch), or why the proposal was refused.</summary>
public sealed record AlterPartitionResult(ErrorCode Error, string? Message, PartitionImage? Partition, long MetadataOffset);
