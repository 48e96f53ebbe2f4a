using LogBroker.Broker.Cluster.Image;
using LogBroker.Broker.Cluster.Records;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Controller;

/// <summary>Partition changes asked for by leaders (ISR) and operators (elections), and producer-id blocks.</summary>
public sealed partial class QuorumController
{
    public Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request, CancellationToken cancellationToken) =>
        DecideAsync<AlterPartitionResult>(
            (image, records) =>
            {
                if (!image.Brokers.TryGetValue(request.BrokerId, out var broker) || broker.BrokerEpoch != request.BrokerEpoch)
                {
                    return Refuse(ErrorCode.StaleBrokerEpoch, $"broker epoch {request.BrokerEpoch} of node {request.BrokerId} is not current");
                }

                if (!image.Topics.TryGetValue(request.TopicPartition.Topic, out var topic) || !topic.TryGetPartition(request.TopicPartition.Partition, out var partition))
                {
                    return Refuse(ErrorCode.UnknownTopicOrPartition, $"{request.TopicPartition} does not exist");
                }

                var (minInSync, _) = ReplicationConfig(topic);
                var (changed, error, message) = PartitionChanges.AlterIsr(partition, request.BrokerId, request.LeaderEpoch, request.PartitionEpoch, request.NewIsr, image.IsActive, minInSync);
                if (changed is null)
                {
                    return offset => new AlterPartitionResult(error, $"{request.TopicPartition}: {message}", partition, offset);
                }

                if (!ReferenceEquals(changed, partition))
                {
                    records.Add(MetadataRecords.PartitionChanged(topic, changed));
                    _logger.LogInformation("{TopicPartition}: ISR [{Old}] -> [{New}] at the leader's request", request.TopicPartition, string.Join(',', partition.Isr), string.Join(',', changed.Isr));
                }

                return offset => new AlterPartitionResult(ErrorCode.None, null, changed, offset);
            },
            message => new AlterPartitionResult(NotControllerCode, message, null, 0),
            cancellationToken);

    public Task<ProducerIdBlock> AllocateProducerIdsAsync(int brokerId, long brokerEpoch, CancellationToken cancellationToken) =>
        DecideAsync<ProducerIdBlock>(
            (image, records) =>
            {
                if (!image.Brokers.TryGetValue(brokerId, out var broker) || broker.BrokerEpoch != brokerEpoch)
                {
                    return _ => new ProducerIdBlock(ErrorCode.StaleBrokerEpoch, $"broker epoch {brokerEpoch} of node {brokerId} is not current", -1, 0);
                }

                var first = image.NextProducerId;
                records.Add(new MetadataRecord
                {
                    ProducerIdsAllocated = new ProducerIdsAllocated { NodeId = brokerId, BrokerEpoch = brokerEpoch, FirstProducerId = first, BlockSize = ProducerIdBlock.DefaultSize },
                });
                return _ => new ProducerIdBlock(ErrorCode.None, null, first, ProducerIdBlock.DefaultSize);
            },
            message => new ProducerIdBlock(NotControllerCode, message, -1, 0),
            cancellationToken);

    public Task<IReadOnlyList<ElectionResult>> ElectLeadersAsync(ElectionType type, IReadOnlyCollection<TopicPartition>? partitions, CancellationToken cancellationToken) =>
        DecideAsync<IReadOnlyList<ElectionResult>>(
            (image, records) =>
            {
                var results = new List<ElectionResult>();
                var targets = partitions ?? [.. Partitions(image).Select(p => new TopicPartition(p.Topic.Name, p.Partition.Partition))];
                foreach (var tp in targets)
                {
                    if (!image.Topics.TryGetValue(tp.Topic, out var topic) || !topic.TryGetPartition(tp.Partition, out var partition))
                    {
                        results.Add(new ElectionResult(tp, ErrorCode.UnknownTopicOrPartition, $"{tp} does not exist"));
                        continue;
                    }

                    var (minInSync, _) = ReplicationConfig(topic);
                    var changed = type == ElectionType.Preferred
                        ? PartitionChanges.ElectPreferred(partition, image.IsActive)
                        : partition.HasLeader && image.IsActive(partition.Leader) ? partition : PartitionChanges.ElectLeader(partition, image.IsActive, unclean: true, minInSync);
                    if (ReferenceEquals(changed, partition))
                    {
                        var (error, why) = type == ElectionType.Preferred && partition.Leader == partition.PreferredLeader
                            ? (ErrorCode.ElectionNotNeeded, $"{tp}: the preferred replica {partition.PreferredLeader} already leads")
                            : type == ElectionType.Preferred
                                ? (ErrorCode.PreferredLeaderNotAvailable, $"{tp}: the preferred replica {partition.PreferredLeader} is not alive and in sync")
                                : partition.HasLeader ? (ErrorCode.ElectionNotNeeded, $"{tp} has a live leader") : (ErrorCode.EligibleLeadersNotAvailable, $"{tp}: no replica is alive");
                        results.Add(new ElectionResult(tp, error, why));
                        continue;
                    }

                    records.Add(MetadataRecords.PartitionChanged(topic, changed));
                    results.Add(new ElectionResult(tp, ErrorCode.None, null));
                    _logger.LogInformation("{TopicPartition}: {Type} election moved leadership from {Old} to {New}", tp, type, partition.Leader, changed.Leader);
                }

                return _ => results;
            },
            message => partitions is null ? [] : [.. partitions.Select(tp => new ElectionResult(tp, NotControllerCode, message))],
            cancellationToken);

    private static Func<long, AlterPartitionResult> Refuse(ErrorCode error, string message) =>
        offset => new AlterPartitionResult(error, message, null, offset);
}
