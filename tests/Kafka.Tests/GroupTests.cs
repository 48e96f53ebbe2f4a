using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LogBroker.Testing;
using Xunit;
using GrpcConsumer = LogBroker.Client.Consumer;
using GrpcTopicPartition = LogBroker.Protocol.TopicPartition;

namespace LogBroker.Kafka.Tests;

/// <summary>Consumer groups over Kafka's protocols: the classic one (client-side assignment) and KIP-848's, sharing offsets with gRPC consumers.</summary>
public sealed class GroupTests
{
    [Fact]
    public async Task Two_classic_members_split_the_partitions_and_one_takes_all_when_the_other_leaves()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "split", 4);

        using var first = broker.Consumer("splitters");
        using var second = broker.Consumer("splitters");
        first.Subscribe("split");
        KafkaConsume.Until(first, () => first.Assignment.Count == 4, "the first member owns all 4 partitions");
        second.Subscribe("split");
        var deadline = DateTime.UtcNow + KafkaConsume.Deadline;
        while (!(first.Assignment.Count == 2 && second.Assignment.Count == 2))
        {
            Assert.True(DateTime.UtcNow < deadline, $"members own {first.Assignment.Count} and {second.Assignment.Count} partitions; expected 2 and 2");
            first.Consume(TimeSpan.FromMilliseconds(50));
            second.Consume(TimeSpan.FromMilliseconds(50));
        }

        Assert.Empty(first.Assignment.Intersect(second.Assignment));
        second.Close();
        KafkaConsume.Until(first, () => first.Assignment.Count == 4, "the remaining member owns all 4 partitions again");
        first.Close();
    }

    [Fact]
    public async Task Committed_offsets_are_shared_between_Kafka_and_gRPC_consumers_of_a_group()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "ledger", 1);
        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync("ledger", new Message<string, string> { Key = "k", Value = $"entry-{i}" });
            }
        }

        using (var kafkaMember = broker.Consumer("auditors"))
        {
            kafkaMember.Subscribe("ledger");
            var first = KafkaConsume.Records(kafkaMember, 5);
            kafkaMember.Commit(first[^1]);
            kafkaMember.Close();
        }

        // A gRPC member of the same group continues from the Kafka member's commit, and commits further.
        await using (var grpcMember = new GrpcConsumer(new LogBroker.Client.ConsumerOptions { BootstrapServers = broker.GrpcAddress, GroupId = "auditors", EnableAutoCommit = false }))
        {
            grpcMember.Subscribe(["ledger"]);
            using var timeout = new CancellationTokenSource(KafkaConsume.Deadline);
            var next = await grpcMember.ConsumeOneAsync(timeout.Token);
            Assert.Equal(5, next.Offset);
            for (var i = 6; i < 12; i++)
            {
                Assert.Equal(i, (await grpcMember.ConsumeOneAsync(timeout.Token)).Offset);
            }

            await grpcMember.CommitAsync(timeout.Token);
        }

        // And a Kafka member continues from the gRPC member's commit.
        using var again = broker.Consumer("auditors");
        again.Subscribe("ledger");
        Assert.Equal(12, KafkaConsume.Records(again, 1)[0].Offset.Value);
        again.Close();
    }

    [Fact]
    public async Task A_group_is_rewound_by_a_reset_and_its_Kafka_members_replay_from_there()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "history", 2);
        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("history", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }
        }

        using (var consumer = broker.Consumer("replayers"))
        {
            consumer.Subscribe("history");
            KafkaConsume.Records(consumer, 10);
            consumer.Commit();
            consumer.Close();
        }

        // Kafka's admin rewinds the group (as kafka-consumer-groups --reset-offsets does) ...
        using (var admin = broker.Admin())
        {
            await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets("replayers", [new TopicPartitionOffset("history", 0, 0), new TopicPartitionOffset("history", 1, 0)])]);
            var listed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("replayers", null)]);
            Assert.All(listed.Single().Partitions, p => Assert.Equal(0, p.Offset.Value));
        }

        using (var consumer = broker.Consumer("replayers"))
        {
            consumer.Subscribe("history");
            Assert.Equal(10, KafkaConsume.Records(consumer, 10).Select(r => r.Message.Value).Distinct().Count());
            consumer.Commit();
            consumer.Close();
        }

        // ... and so does LogBroker's own reset (lbctl group reset), for the same group.
        await using (var grpcAdmin = broker.GrpcAdmin())
        {
            await grpcAdmin.ResetGroupOffsetsAsync("replayers", "history", LogBroker.Client.Admin.OffsetResetTarget.ShiftBy, -2);
        }

        using var last = broker.Consumer("replayers");
        last.Subscribe("history");
        Assert.Equal(4, KafkaConsume.Records(last, 4).Count);
        last.Close();
    }

    [Fact]
    public async Task A_group_with_gRPC_members_refuses_classic_Kafka_members()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "owned", 1);
        await using var grpcMember = new GrpcConsumer(new LogBroker.Client.ConsumerOptions { BootstrapServers = broker.GrpcAddress, GroupId = "one-protocol" });
        grpcMember.Subscribe(["owned"]);
        using var stop = new CancellationTokenSource();
        var consuming = Task.Run(async () =>
        {
            await foreach (var record in grpcMember.ConsumeAsync(stop.Token))
            {
                _ = record; // the member's loop keeps its membership alive; the topic is empty anyway
            }
        });
        await Eventually.True(() => grpcMember.Assignment.Count == 1, "the gRPC member owns the partition");

        using var kafkaMember = broker.Consumer("one-protocol");
        kafkaMember.Subscribe("owned");
        var refusal = Assert.Throws<ConsumeException>(() => KafkaConsume.For(kafkaMember, KafkaConsume.Deadline));
        Assert.Equal(Confluent.Kafka.ErrorCode.InconsistentGroupProtocol, refusal.Error.Code);
        Assert.Empty(kafkaMember.Assignment);
        Assert.Single(grpcMember.Assignment);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task A_KIP848_consumer_joins_the_brokers_coordinator_and_commits()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "modern", 2);
        using (var producer = broker.Producer())
        {
            for (var i = 0; i < 6; i++)
            {
                await producer.ProduceAsync("modern", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }
        }

        using (var consumer = broker.Consumer("next-gen", c =>
        {
            c.GroupProtocol = GroupProtocol.Consumer;
            c.SessionTimeoutMs = null;
            c.HeartbeatIntervalMs = null;
        }))
        {
            consumer.Subscribe("modern");
            Assert.Equal(6, KafkaConsume.Records(consumer, 6).Count);
            Assert.Equal(2, consumer.Assignment.Count);
            consumer.Commit();

            // The member sits in the same coordinator gRPC consumers use.
            await using var grpcAdmin = broker.GrpcAdmin();
            var description = await grpcAdmin.DescribeGroupAsync("next-gen");
            Assert.Single(description.Members);
            consumer.Close();
        }

        await using var admin = broker.GrpcAdmin();
        var committed = await admin.ListGroupOffsetsAsync("next-gen");
        Assert.Equal(6, committed.Values.Sum(o => o.Offset));
    }

    [Fact]
    public async Task A_group_with_classic_members_refuses_KIP848_members()
    {
        await using var broker = await KafkaBrokerHost.StartAsync();
        await CreateTopicAsync(broker, "classic-owned", 1);
        using var classic = broker.Consumer("either-or");
        classic.Subscribe("classic-owned");
        KafkaConsume.Until(classic, () => classic.Assignment.Count == 1, "the classic member owns the partition");

        using var modern = broker.Consumer("either-or", c =>
        {
            c.GroupProtocol = GroupProtocol.Consumer;
            c.SessionTimeoutMs = null;
            c.HeartbeatIntervalMs = null;
        });
        modern.Subscribe("classic-owned");
        var refusal = Assert.Throws<ConsumeException>(() => KafkaConsume.For(modern, KafkaConsume.Deadline));
        Assert.Equal(Confluent.Kafka.ErrorCode.InconsistentGroupProtocol, refusal.Error.Code);
        Assert.Single(classic.Assignment);
        classic.Close();
    }

    private static async Task CreateTopicAsync(KafkaBrokerHost broker, string name, int partitions)
    {
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }
}
