using System.Collections.Immutable;
using Google.Protobuf;
using LogBroker.Broker.Cluster.Records;

namespace LogBroker.Broker.Cluster.Image;

/// <summary>Builds metadata records from image values and back: the one place the two shapes meet.</summary>
public static class MetadataRecords
{
    public static MetadataRecord PartitionChanged(TopicImage topic, PartitionImage partition)
    {
        var record = new PartitionChanged
        {
            Topic = topic.Name,
            TopicId = Id(topic.TopicId),
            Partition = partition.Partition,
            Leader = partition.Leader,
            LeaderEpoch = partition.LeaderEpoch,
            PartitionEpoch = partition.PartitionEpoch,
        };
        record.Replicas.AddRange(partition.Replicas);
        record.Isr.AddRange(partition.Isr);
        record.Elr.AddRange(partition.Elr);
        return new MetadataRecord { PartitionChanged = record };
    }

    public static MetadataRecord TopicCreated(TopicImage topic) => new() { TopicCreated = TopicCreatedRecord(topic) };

    public static TopicCreated TopicCreatedRecord(TopicImage topic)
    {
        var record = new TopicCreated { Name = topic.Name, TopicId = Id(topic.TopicId), Internal = topic.IsInternal };
        record.Configs.Add(topic.ConfigOverrides);
        return record;
    }

    public static MetadataRecord TopicDeleted(TopicImage topic) => new() { TopicDeleted = new TopicDeleted { Name = topic.Name, TopicId = Id(topic.TopicId) } };

    public static MetadataRecord TopicConfigChanged(TopicImage topic, IReadOnlyDictionary<string, string> overrides)
    {
        var record = new TopicConfigChanged { Topic = topic.Name, TopicId = Id(topic.TopicId) };
        foreach (var (key, value) in overrides)
        {
            record.Configs[key] = value;
        }

        return new MetadataRecord { TopicConfigChanged = record };
    }

    public static MetadataRecord Fenced(BrokerRegistration broker) => new() { BrokerFenced = new BrokerFenced { NodeId = broker.NodeId, BrokerEpoch = broker.BrokerEpoch } };

    public static MetadataRecord Unfenced(BrokerRegistration broker) => new() { BrokerUnfenced = new BrokerUnfenced { NodeId = broker.NodeId, BrokerEpoch = broker.BrokerEpoch } };

    public static MetadataRecord ShuttingDown(BrokerRegistration broker) => new() { BrokerShuttingDown = new BrokerShuttingDown { NodeId = broker.NodeId, BrokerEpoch = broker.BrokerEpoch } };

    public static PartitionImage ToImage(PartitionChanged record) => new(
        record.Partition,
        [.. record.Replicas],
        [.. record.Isr],
        [.. record.Elr],
        record.Leader,
        record.LeaderEpoch,
        record.PartitionEpoch);

    public static ByteString Id(Guid id) => ByteString.CopyFrom(id.ToByteArray());

    public static Guid Id(ByteString bytes) => bytes.Length == 16 ? new Guid(bytes.Span) : Guid.Empty;

    public static ImmutableDictionary<string, string> Configs(IDictionary<string, string> configs) =>
        configs.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>One Raft entry holding <paramref name="records"/>, serialised.</summary>
    public static byte[] Entry(IEnumerable<MetadataRecord> records)
    {
        var entry = new MetadataEntry();
        entry.Records.AddRange(records);
        return entry.ToByteArray();
    }
}
