using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace LogBroker.Kafka.Tests;

/// <summary>Kafka's admin client (librdkafka) administering topics, configs, offsets and groups.</summary>
public sealed class AdminTests
{
    [Fact]
    public async Task Topics_are_created_described_grown_and_deleted()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "payments", NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "3600000" } }]);

        var refused = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = "payments", NumPartitions = 1 }]));
        Assert.Equal(Confluent.Kafka.ErrorCode.TopicAlreadyExists, refused.Results.Single().Error.Code);
        var invalid = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = "bad", NumPartitions = 1, Configs = new() { ["retention.ms"] = "soon" } }]));
        Assert.Equal(Confluent.Kafka.ErrorCode.InvalidConfig, invalid.Results.Single().Error.Code);

        var metadata = admin.GetMetadata("payments", TimeSpan.FromSeconds(10));
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(2, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(metadata.Brokers.Single().BrokerId, p.Leader));

        var described = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["payments"]));
        Assert.Equal(2, described.TopicDescriptions.Single().Partitions.Count);
        Assert.NotEqual(Guid.Empty.ToString(), described.TopicDescriptions.Single().TopicId.ToString());

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "payments", IncreaseTo = 5 }]);
        Assert.Equal(5, admin.GetMetadata("payments", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);

        await admin.DeleteTopicsAsync(["payments"]);
        var gone = admin.GetMetadata("payments", TimeSpan.FromSeconds(10)).Topics.Single();
        Assert.Equal(Confluent.Kafka.ErrorCode.UnknownTopicOrPart, gone.Error.Code);
    }

    [Fact]
    public async Task Topic_configs_are_described_and_altered_incrementally()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "configured", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "60000" } }]);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "configured" };

        var before = (await admin.DescribeConfigsAsync([resource])).Single().Entries;
        Assert.Equal("60000", before["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, before["retention.ms"].Source);
        Assert.Equal(ConfigSource.DefaultConfig, before["segment.bytes"].Source);

        var changes = new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] =
            [
                new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
                new ConfigEntry { Name = "max.message.bytes", Value = "2097152", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
            ],
        };
        await admin.IncrementalAlterConfigsAsync(changes);

        var after = (await admin.DescribeConfigsAsync([resource])).Single().Entries;
        Assert.Equal(ConfigSource.DefaultConfig, after["retention.ms"].Source);
        Assert.Equal("2097152", after["max.message.bytes"].Value);
        Assert.Equal("compact,delete", after["cleanup.policy"].Value); // both policies, as the broker writes them

        var wrong = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "segment.bytes", Value = "12", IncrementalOperation = AlterConfigOpType.Append }],
        }));
        Assert.Equal(Confluent.Kafka.ErrorCode.InvalidConfig, wrong.Results.Single().Error.Code);
    }

    [Fact]
    public async Task Broker_configs_are_the_topic_defaults_and_cannot_be_altered()
    {
        await using var broker = await KafkaBrokerHost.StartAsync("--LogBroker:TopicDefaults:retention.ms", "7200000");
        using var admin = broker.Admin();
        var resource = new ConfigResource { Type = ResourceType.Broker, Name = "1" };
        var entries = (await admin.DescribeConfigsAsync([resource])).Single().Entries;
        Assert.Equal("7200000", entries["retention.ms"].Value);
        Assert.True(entries["retention.ms"].IsReadOnly);

        var refused = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "retention.ms", Value = "1", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(Confluent.Kafka.ErrorCode.InvalidRequest, refused.Results.Single().Error.Code);
    }

    [Fact]
    public async Task Offsets_are_listed_by_position_and_by_time()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "timed", NumPartitions = 1, ReplicationFactor = 1 }]);
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("timed", new Message<string, string> { Key = "k", Value = $"v{i}", Timestamp = new Timestamp(start.AddMinutes(i)) });
            }
        }

        using var consumer = broker.Consumer("unused");
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("timed", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);

        var byTime = consumer.OffsetsForTimes([new TopicPartitionTimestamp("timed", 0, new Timestamp(start.AddMinutes(4)))], TimeSpan.FromSeconds(10));
        Assert.Equal(4, byTime.Single().Offset.Value);

        var listed = await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition("timed", 0), OffsetSpec = OffsetSpec.Earliest() }]);
        Assert.Equal(0, listed.ResultInfos.Single().TopicPartitionOffsetError.Offset.Value);
    }

    [Fact]
    public async Task Groups_are_listed_described_and_deleted()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "watched", NumPartitions = 2, ReplicationFactor = 1 }]);
        using (var producer = broker.Producer())
        {
            await producer.ProduceAsync("watched", new Message<string, string> { Key = "k", Value = "v" });
        }

        using (var consumer = broker.Consumer("watchers"))
        {
            consumer.Subscribe("watched");
            KafkaConsume.Records(consumer, 1);
            consumer.Commit();

            var listed = await admin.ListConsumerGroupsAsync();
            var group = Assert.Single(listed.Valid, g => g.GroupId == "watchers");
            Assert.Equal(ConsumerGroupState.Stable, group.State);

            var description = (await admin.DescribeConsumerGroupsAsync(["watchers"])).ConsumerGroupDescriptions.Single();
            Assert.Equal(ConsumerGroupState.Stable, description.State);
            var member = Assert.Single(description.Members);
            Assert.Equal(2, member.Assignment.TopicPartitions.Count);

            var busy = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync(["watchers"]));
            Assert.Equal(Confluent.Kafka.ErrorCode.NonEmptyGroup, busy.Results.Single().Error.Code);
            consumer.Close();
        }

        await admin.DeleteGroupsAsync(["watchers"]);
        await using var grpcAdmin = broker.GrpcAdmin();
        Assert.DoesNotContain(await grpcAdmin.ListGroupsAsync(), g => g.GroupId == "watchers");
    }
}
