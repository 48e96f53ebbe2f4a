using LogBroker.TestHosts;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using Xunit;

namespace LogBroker.Broker.Tests;

public class AdminTests : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        _admin = _broker.Admin();
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Created_topics_are_listed_and_described_with_partitions_offsets_and_configs()
    {
        await _admin.CreateTopicAsync("inventory", partitions: 4, configs: new Dictionary<string, string> { ["retention.bytes"] = "1048576", ["cleanup.policy"] = "delete" });
        await using (var producer = _broker.Producer())
        {
            await producer.ProduceAsync(new TopicPartition("inventory", 2), null, "x"u8.ToArray());
        }

        var listing = await _admin.ListTopicsAsync();
        var description = (await _admin.DescribeTopicsAsync(["inventory"]))[0];

        Assert.Contains(new TopicListing("inventory", 4, false), listing);
        Assert.Equal(4, description.Partitions.Count);
        Assert.Equal("1048576", description.Configs["retention.bytes"]);
        Assert.Equal("1073741824", description.Configs["segment.bytes"]); // a default, shown too
        Assert.Equal(new HashSet<string> { "retention.bytes", "cleanup.policy" }, description.OverriddenConfigs);
        var p2 = description.Partitions[2];
        Assert.Equal((0L, 1L, 1L), (p2.LogStartOffset, p2.LogEndOffset, p2.HighWatermark));
        Assert.True(p2.SizeInBytes > 0);
        Assert.Equal(1, p2.SegmentCount);
        Assert.Equal([1], p2.Replicas);
    }

    [Fact]
    public async Task Creating_an_existing_topic_is_topic_already_exists()
    {
        await _admin.CreateTopicAsync("dup");

        var error = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.CreateTopicAsync("dup"));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Code);
    }

    [Fact]
    public async Task A_name_differing_from_an_existing_topic_only_in_dot_and_underscore_is_refused()
    {
        await _admin.CreateTopicAsync("billing.events");

        var error = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.CreateTopicAsync("billing_events"));

        Assert.Equal(ErrorCode.InvalidTopicException, error.Code);
        Assert.Contains("collides with existing topic 'billing.events'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name", 1, null, ErrorCode.InvalidTopicException)]
    [InlineData("zero-partitions", 0, null, ErrorCode.InvalidPartitions)]
    [InlineData("bad-config", 1, "retention.ms=-5", ErrorCode.InvalidConfig)]
    [InlineData("unknown-config", 1, "colour=blue", ErrorCode.InvalidConfig)]
    [InlineData("__reserved", 1, null, ErrorCode.InvalidTopicException)]
    public async Task Invalid_topics_are_refused_with_their_code(string name, int partitions, string? config, ErrorCode expected)
    {
        var configs = config is null ? null : new Dictionary<string, string> { [config.Split('=')[0]] = config.Split('=')[1] };

        var error = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.CreateTopicAsync(name, partitions, configs));

        Assert.Equal(expected, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task More_replicas_than_brokers_is_invalid_replication_factor()
    {
        var results = await _admin.CreateTopicsAsync([new TopicSpecification("replicated", 1, ReplicationFactor: 3)]);

        Assert.Equal(ErrorCode.InvalidReplicationFactor, results[0].Error);
    }

    [Fact]
    public async Task Validate_only_checks_without_creating()
    {
        var results = await _admin.CreateTopicsAsync([new TopicSpecification("dry-run", 2)], validateOnly: true);

        Assert.Equal(ErrorCode.None, results[0].Error);
        Assert.DoesNotContain(await _admin.ListTopicsAsync(), t => t.Name == "dry-run");
    }

    [Fact]
    public async Task Altered_configs_apply_and_removed_ones_fall_back_to_the_default()
    {
        await _admin.CreateTopicAsync("tunable", configs: new Dictionary<string, string> { ["retention.ms"] = "1000" });

        await _admin.AlterTopicConfigAsync("tunable", set: new Dictionary<string, string> { ["max.message.bytes"] = "2048" }, remove: ["retention.ms"]);

        var description = (await _admin.DescribeTopicsAsync(["tunable"]))[0];
        Assert.Equal("2048", description.Configs["max.message.bytes"]);
        Assert.Equal("604800000", description.Configs["retention.ms"]);
        var refused = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.AlterTopicConfigAsync("tunable", set: new Dictionary<string, string> { ["cleanup.policy"] = "shred" }));
        Assert.Equal(ErrorCode.InvalidConfig, refused.Code);

        await using var producer = _broker.Producer();
        var tooBig = await Assert.ThrowsAsync<LogBrokerException>(async () => await producer.ProduceAsync("tunable", null, new byte[4096]));
        Assert.Equal(ErrorCode.MessageTooLarge, tooBig.Code);
    }

    [Fact]
    public async Task Added_partitions_can_be_produced_to_and_shrinking_is_refused()
    {
        await _admin.CreateTopicAsync("growing", partitions: 2);

        await _admin.CreatePartitionsAsync("growing", 5);

        Assert.Equal(5, (await _admin.PartitionsOfAsync("growing")).Count);
        await using var producer = _broker.Producer();
        var result = await producer.ProduceAsync(new TopicPartition("growing", 4), null, "x"u8.ToArray());
        Assert.Equal(0, result.Offset);
        var shrink = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.CreatePartitionsAsync("growing", 3));
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Code);
    }

    [Fact]
    public async Task Deleted_topics_are_gone_with_their_data_and_can_be_created_again_empty()
    {
        await _admin.CreateTopicAsync("temporary", partitions: 2);
        await using (var producer = _broker.Producer())
        {
            await producer.ProduceAsync("temporary", null, "x"u8.ToArray());
        }

        await _admin.DeleteTopicAsync("temporary");

        Assert.DoesNotContain(await _admin.ListTopicsAsync(), t => t.Name == "temporary");
        Assert.False(Directory.Exists(Path.Combine(_broker.Data.Path, "temporary-0")));
        var missing = await Assert.ThrowsAsync<LogBrokerException>(() => _admin.DeleteTopicAsync("temporary"));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, missing.Code);

        await _admin.CreateTopicAsync("temporary", partitions: 2);
        Assert.All((await _admin.DescribeTopicsAsync(["temporary"]))[0].Partitions, p => Assert.Equal(0, p.HighWatermark));
    }

    [Fact]
    public async Task List_offsets_by_earliest_latest_and_time()
    {
        await _admin.CreateTopicAsync("timeline");
        var tp = new TopicPartition("timeline", 0);
        await using (var producer = _broker.Producer())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync("timeline", null, "x"u8.ToArray(), timestamp: 1_000_000 + (i * 1000));
            }
        }

        Assert.Equal(0, (await _admin.ListOffsetsAsync([tp], OffsetSpecs.Earliest))[tp].Offset);
        Assert.Equal(10, (await _admin.ListOffsetsAsync([tp], OffsetSpecs.Latest))[tp].Offset);
        Assert.Equal(new ListedOffset(4, 1_004_000), (await _admin.ListOffsetsAsync([tp], 1_003_500))[tp]);
        Assert.Equal(-1, (await _admin.ListOffsetsAsync([tp], 9_000_000))[tp].Offset);
    }

    [Fact]
    public async Task The_cluster_has_one_broker_that_leads_everything()
    {
        await _admin.CreateTopicAsync("led", partitions: 3);

        var cluster = await _admin.DescribeClusterAsync();

        var broker = Assert.Single(cluster.Brokers);
        Assert.Equal(_broker.Address, broker.Address);
        Assert.Equal(broker.NodeId, cluster.ControllerId);
        Assert.All((await _admin.DescribeTopicsAsync(["led"]))[0].Partitions, p => Assert.Equal(broker.NodeId, p.Leader));
    }
}
