using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Records;
using Microsoft.Extensions.Logging;

namespace LogBroker.Broker.Cluster.Image;

/// <summary>
/// Applies metadata records to an image, producing the next one. Pure apart from logging: every
/// broker that applies the same entries gets the same image. Records that no longer fit (a change to
/// a topic deleted meanwhile, an old broker epoch) are skipped with a warning rather than stopping
/// the broker: the controller writes them against the image it had, and applying them late changes
/// nothing that matters.
/// </summary>
public static class ClusterImageApplier
{
    public static ClusterImage Apply(ClusterImage image, long index, MetadataEntry entry, ILogger logger)
    {
        foreach (var record in entry.Records)
        {
            image = Apply(image, index, record, logger);
        }

        return image with { Offset = index };
    }

    private static ClusterImage Apply(ClusterImage image, long index, MetadataRecord record, ILogger logger)
    {
        switch (record.RecordCase)
        {
            case MetadataRecord.RecordOneofCase.BrokerRegistered:
                var r = record.BrokerRegistered;
                return image with
                {
                    Brokers = image.Brokers.SetItem(r.NodeId, new BrokerRegistration(r.NodeId, index, r.Address, r.Rack, r.IncarnationId, r.PreviousShutdownClean, Fenced: true, ShuttingDown: false, r.KafkaEndpoint)),
                };
            case MetadataRecord.RecordOneofCase.BrokerFenced:
                return ChangeBroker(image, record.BrokerFenced.NodeId, record.BrokerFenced.BrokerEpoch, b => b with { Fenced = true }, logger);
            case MetadataRecord.RecordOneofCase.BrokerUnfenced:
                return ChangeBroker(image, record.BrokerUnfenced.NodeId, record.BrokerUnfenced.BrokerEpoch, b => b with { Fenced = false }, logger);
            case MetadataRecord.RecordOneofCase.BrokerShuttingDown:
                return ChangeBroker(image, record.BrokerShuttingDown.NodeId, record.BrokerShuttingDown.BrokerEpoch, b => b with { ShuttingDown = true }, logger);
            case MetadataRecord.RecordOneofCase.TopicCreated:
                var created = record.TopicCreated;
                return image with
                {
                    Topics = image.Topics.SetItem(created.Name, new TopicImage(created.Name, MetadataRecords.Id(created.TopicId), MetadataRecords.Configs(created.Configs), created.Internal, [])),
                };
            case MetadataRecord.RecordOneofCase.TopicDeleted:
                var deleted = record.TopicDeleted;
                return Matches(image, deleted.Name, deleted.TopicId, out _)
                    ? image with { Topics = image.Topics.Remove(deleted.Name) }
                    : Skip(image, record, logger);
            case MetadataRecord.RecordOneofCase.PartitionChanged:
                return ApplyPartition(image, record, logger);
            case MetadataRecord.RecordOneofCase.TopicConfigChanged:
                var changed = record.TopicConfigChanged;
                return Matches(image, changed.Topic, changed.TopicId, out var topic)
                    ? image with { Topics = image.Topics.SetItem(topic.Name, topic with { ConfigOverrides = MetadataRecords.Configs(changed.Configs) }) }
                    : Skip(image, record, logger);
            case MetadataRecord.RecordOneofCase.ProducerIdsAllocated:
                var block = record.ProducerIdsAllocated;
                return image with { NextProducerId = Math.Max(image.NextProducerId, block.FirstProducerId + block.BlockSize) };
            default:
                throw new InvalidDataException($"metadata entry {index} holds a record kind this broker does not know ({record.RecordCase}); upgrade it");
        }
    }

    private static ClusterImage ApplyPartition(ClusterImage image, MetadataRecord record, ILogger logger)
    {
        var changed = record.PartitionChanged;
        if (!Matches(image, changed.Topic, changed.TopicId, out var topic) || changed.Partition < 0 || changed.Partition > topic.PartitionCount)
        {
            return Skip(image, record, logger);
        }

        var partition = MetadataRecords.ToImage(changed);
        var partitions = changed.Partition == topic.PartitionCount
            ? topic.Partitions.Add(partition)
            : topic.Partitions.SetItem(changed.Partition, partition);
        return image with { Topics = image.Topics.SetItem(topic.Name, topic with { Partitions = partitions }) };
    }

    private static ClusterImage ChangeBroker(ClusterImage image, int nodeId, long brokerEpoch, Func<BrokerRegistration, BrokerRegistration> change, ILogger logger)
    {
        if (!image.Brokers.TryGetValue(nodeId, out var broker) || broker.BrokerEpoch != brokerEpoch)
        {
            logger.LogWarning("Skipping a change of broker {NodeId} epoch {BrokerEpoch}: that registration is not current", nodeId, brokerEpoch);
            return image;
        }

        return image with { Brokers = image.Brokers.SetItem(nodeId, change(broker)) };
    }

    private static bool Matches(ClusterImage image, string name, Google.Protobuf.ByteString topicId, out TopicImage topic) =>
        image.Topics.TryGetValue(name, out topic!) && topic.TopicId == MetadataRecords.Id(topicId);

    private static ClusterImage Skip(ClusterImage image, MetadataRecord record, ILogger logger)
    {
        logger.LogWarning("Skipping metadata record {Record}: its topic or partition is not in the image", record);
        return image;
    }

    /// <summary>The image as one snapshot message (everything needed to rebuild it exactly).</summary>
    public static MetadataSnapshot ToSnapshot(ClusterImage image)
    {
        var snapshot = new MetadataSnapshot { Offset = image.Offset, NextProducerId = image.NextProducerId };
        foreach (var broker in image.Brokers.Values.OrderBy(b => b.NodeId))
        {
            snapshot.Brokers.Add(new BrokerState
            {
                Registration = new BrokerRegistered
                {
                    NodeId = broker.NodeId,
                    Address = broker.Address,
                    Rack = broker.Rack,
                    IncarnationId = broker.IncarnationId,
                    PreviousShutdownClean = broker.PreviousShutdownClean,
                    KafkaEndpoint = broker.KafkaEndpoint,
                },
                BrokerEpoch = broker.BrokerEpoch,
                Fenced = broker.Fenced,
                ShuttingDown = broker.ShuttingDown,
            });
        }

        foreach (var topic in image.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            snapshot.Topics.Add(MetadataRecords.TopicCreatedRecord(topic));
            foreach (var partition in topic.Partitions)
            {
                snapshot.Partitions.Add(MetadataRecords.PartitionChanged(topic, partition).PartitionChanged);
            }
        }

        return snapshot;
    }

    public static ClusterImage FromSnapshot(MetadataSnapshot snapshot)
    {
        var brokers = ImmutableDictionary.CreateBuilder<int, BrokerRegistration>();
        foreach (var b in snapshot.Brokers)
        {
            var r = b.Registration;
            brokers[r.NodeId] = new BrokerRegistration(r.NodeId, b.BrokerEpoch, r.Address, r.Rack, r.IncarnationId, r.PreviousShutdownClean, b.Fenced, b.ShuttingDown, r.KafkaEndpoint);
        }

        var partitions = snapshot.Partitions.ToLookup(p => p.Topic, StringComparer.Ordinal);
        var topics = ImmutableDictionary.CreateBuilder<string, TopicImage>(StringComparer.Ordinal);
        foreach (var t in snapshot.Topics)
        {
            var ordered = partitions[t.Name].OrderBy(p => p.Partition).Select(MetadataRecords.ToImage).ToImmutableArray();
            for (var i = 0; i < ordered.Length; i++)
            {
                if (ordered[i].Partition != i)
                {
                    throw new InvalidDataException($"metadata snapshot at {snapshot.Offset}: topic '{t.Name}' lacks partition {i}");
                }
            }

            topics[t.Name] = new TopicImage(t.Name, MetadataRecords.Id(t.TopicId), MetadataRecords.Configs(t.Configs), t.Internal, ordered);
        }

        return new ClusterImage(snapshot.Offset, brokers.ToImmutable(), topics.ToImmutable(), snapshot.NextProducerId);
    }
}
