using Xunit;

namespace LogBroker.Lbctl.Tests;

public class TopicCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Create_then_list_shows_the_topic_with_its_partitions_in_a_table_and_in_json()
    {
        var created = await fixture.RunAsync("topic", "create", "orders", "--partitions", "3", "--config", "retention.ms=86400000");

        var table = await fixture.RunAsync("topic", "list");
        var json = (await fixture.RunAsync("topic", "list", "--output", "json")).Json();

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Created topic 'orders' with 3 partition(s)", created.Stdout);
        Assert.Equal(0, table.ExitCode);
        Assert.Equal(["TOPIC", "PARTITIONS", "INTERNAL"], table.Lines()[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(table.Lines(), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["orders", "3", "no"]);
        var orders = Assert.Single(json.GetProperty("topics").EnumerateArray(), t => t.GetProperty("name").GetString() == "orders");
        Assert.Equal(3, orders.GetProperty("partitions").GetInt32());
        Assert.False(orders.GetProperty("internal").GetBoolean());
    }

    [Fact]
    public async Task Create_in_json_echoes_name_partitions_and_configs()
    {
        var created = await fixture.RunAsync("topic", "create", "echoed", "-p", "2", "-c", "segment.ms=60000", "-c", "cleanup.policy=delete", "-o", "json");

        Assert.Equal(0, created.ExitCode);
        var json = created.Json();
        Assert.Equal("echoed", json.GetProperty("name").GetString());
        Assert.Equal(2, json.GetProperty("partitions").GetInt32());
        Assert.Equal("60000", json.GetProperty("configs").GetProperty("segment.ms").GetString());
    }

    [Fact]
    public async Task Describe_shows_partitions_offsets_sizes_and_configs_with_overrides_marked()
    {
        await fixture.RunAsync("topic", "create", "described", "--partitions", "2", "--config", "retention.ms=3600000");
        await fixture.RunWithInputAsync("a\nb\nc\n", "produce", "described", "--partition", "1");

        var human = await fixture.RunAsync("topic", "describe", "described");
        var json = (await fixture.RunAsync("topic", "describe", "described", "-o", "json")).Json().GetProperty("topics")[0];

        Assert.Equal(0, human.ExitCode);
        Assert.StartsWith("Topic: described", human.Lines()[0]);
        Assert.Contains(human.Lines(), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["retention.ms", "3600000", "override"]);
        Assert.Contains(human.Lines(), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["segment.bytes", "1073741824", "default"]);
        Assert.Contains(human.Lines(), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["1", "1", _, "1", "1", "0", "3", "3", _, "B", "1"]);
        var p1 = json.GetProperty("partitions")[1];
        Assert.Equal((1, 0L, 3L, 3L, 1), (p1.GetProperty("partition").GetInt32(), p1.GetProperty("logStartOffset").GetInt64(), p1.GetProperty("logEndOffset").GetInt64(), p1.GetProperty("highWatermark").GetInt64(), p1.GetProperty("segments").GetInt32()));
        Assert.True(p1.GetProperty("sizeBytes").GetInt64() > 0);
        Assert.Equal(1, p1.GetProperty("leader").GetInt32());
        var retention = Assert.Single(json.GetProperty("configs").EnumerateArray(), c => c.GetProperty("name").GetString() == "retention.ms");
        Assert.True(retention.GetProperty("isOverride").GetBoolean());
        Assert.Equal(json.GetProperty("sizeBytes").GetInt64(), p1.GetProperty("sizeBytes").GetInt64());
    }

    [Fact]
    public async Task Alter_sets_and_removes_overrides_and_describe_shows_the_result()
    {
        await fixture.RunAsync("topic", "create", "tunable", "--config", "retention.ms=1000");

        var altered = await fixture.RunAsync("topic", "alter", "tunable", "--set", "max.message.bytes=2048", "--remove", "retention.ms");

        Assert.Equal(0, altered.ExitCode);
        Assert.Contains("set max.message.bytes=2048, removed retention.ms", altered.Stdout);
        var configs = (await fixture.RunAsync("topic", "describe", "tunable", "-o", "json")).Json().GetProperty("topics")[0].GetProperty("configs").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("2048", configs["max.message.bytes"].GetProperty("value").GetString());
        Assert.True(configs["max.message.bytes"].GetProperty("isOverride").GetBoolean());
        Assert.Equal("604800000", configs["retention.ms"].GetProperty("value").GetString());
        Assert.False(configs["retention.ms"].GetProperty("isOverride").GetBoolean());
    }

    [Fact]
    public async Task Alter_with_an_invalid_value_fails_with_the_brokers_reason()
    {
        await fixture.RunAsync("topic", "create", "strict");

        var refused = await fixture.RunAsync("topic", "alter", "strict", "--set", "cleanup.policy=shred");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("InvalidConfig", refused.Stderr);
    }

    [Fact]
    public async Task Add_partitions_grows_the_topic_and_shrinking_is_refused()
    {
        await fixture.RunAsync("topic", "create", "growing", "--partitions", "2");

        var grown = await fixture.RunAsync("topic", "add-partitions", "growing", "--total", "5", "-o", "json");
        var shrunk = await fixture.RunAsync("topic", "add-partitions", "growing", "--total", "3");

        Assert.Equal(0, grown.ExitCode);
        Assert.Equal(5, grown.Json().GetProperty("partitions").GetInt32());
        Assert.Equal(5, (await fixture.RunAsync("topic", "describe", "growing", "-o", "json")).Json().GetProperty("topics")[0].GetProperty("partitions").GetArrayLength());
        Assert.Equal(1, shrunk.ExitCode);
        Assert.Contains("InvalidPartitions", shrunk.Stderr);
    }

    [Fact]
    public async Task Delete_removes_each_named_topic_and_reports_the_unknown_ones_with_a_failing_exit_code()
    {
        await fixture.RunAsync("topic", "create", "doomed-a");
        await fixture.RunAsync("topic", "create", "doomed-b");

        var deleted = await fixture.RunAsync("topic", "delete", "doomed-a", "doomed-b");
        var again = await fixture.RunAsync("topic", "delete", "doomed-a", "-o", "json");

        Assert.Equal(0, deleted.ExitCode);
        Assert.Contains("Deleted topic 'doomed-a'.", deleted.Stdout);
        Assert.Contains("Deleted topic 'doomed-b'.", deleted.Stdout);
        Assert.DoesNotContain((await fixture.RunAsync("topic", "list", "-o", "json")).Json().GetProperty("topics").EnumerateArray(), t => t.GetProperty("name").GetString()!.StartsWith("doomed", StringComparison.Ordinal));
        Assert.Equal(1, again.ExitCode);
        Assert.False(again.Json().GetProperty("topics")[0].GetProperty("deleted").GetBoolean());
        Assert.Contains("UnknownTopicOrPartition", again.Stderr);
    }

    [Fact]
    public async Task Creating_an_existing_topic_fails_with_topic_already_exists()
    {
        await fixture.RunAsync("topic", "create", "twice");

        var second = await fixture.RunAsync("topic", "create", "twice");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("TopicAlreadyExists", second.Stderr);
        Assert.Empty(second.Stdout);
    }
}
