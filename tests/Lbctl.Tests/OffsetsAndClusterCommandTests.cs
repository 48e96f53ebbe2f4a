using System.Text;
using LogBroker.Protocol;
using Xunit;

namespace LogBroker.Lbctl.Tests;

public class OffsetsAndClusterCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Offsets_shows_earliest_and_latest_per_partition()
    {
        await fixture.RunAsync("topic", "create", "counted", "--partitions", "2");
        await fixture.RunWithInputAsync("a\nb\nc\n", "produce", "counted", "--partition", "1");

        var human = await fixture.RunAsync("offsets", "counted");
        var json = (await fixture.RunAsync("offsets", "counted", "-o", "json")).Json();

        Assert.Equal(0, human.ExitCode);
        Assert.Equal(["PARTITION EARLIEST LATEST", "0 0 0", "1 0 3"], human.Lines().Select(Words));
        Assert.Equal("counted", json.GetProperty("topic").GetString());
        var p1 = json.GetProperty("partitions")[1];
        Assert.Equal((1, 0L, 3L), (p1.GetProperty("partition").GetInt32(), p1.GetProperty("earliest").GetInt64(), p1.GetProperty("latest").GetInt64()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, p1.GetProperty("forTime").ValueKind);
    }

    [Fact]
    public async Task Offsets_with_a_time_finds_the_first_record_at_or_after_it_and_none_when_all_are_older()
    {
        await fixture.RunAsync("topic", "create", "dated");
        await using (var producer = fixture.Broker.Producer())
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(new TopicPartition("dated", 0), null, Encoding.UTF8.GetBytes($"d{i}"), timestamp: Start.AddHours(i).ToUnixTimeMilliseconds());
            }
        }

        var found = (await fixture.RunAsync("offsets", "dated", "--time", "2026-01-01T02:30:00Z", "-o", "json")).Json();
        var human = await fixture.RunAsync("offsets", "dated", "--time", "2026-01-01T02:30:00Z");
        var later = (await fixture.RunAsync("offsets", "dated", "--time", "2027-01-01T00:00:00Z", "-o", "json")).Json();

        var forTime = found.GetProperty("partitions")[0].GetProperty("forTime");
        Assert.Equal(3, forTime.GetProperty("offset").GetInt64());
        Assert.Equal(Start.AddHours(3).ToUnixTimeMilliseconds(), forTime.GetProperty("timestamp").GetInt64());
        Assert.Equal("0 0 5 3 2026-01-01T03:00:00.000Z", Words(human.Lines()[1]));
        Assert.Equal(-1, later.GetProperty("partitions")[0].GetProperty("forTime").GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Cluster_shows_the_broker_as_controller_leading_every_partition_with_their_size()
    {
        await fixture.RunAsync("topic", "create", "led", "--partitions", "3");
        await fixture.RunWithInputAsync("x\ny\n", "produce", "led");

        var human = await fixture.RunAsync("cluster");
        var json = (await fixture.RunAsync("cluster", "-o", "json")).Json();
        var described = (await fixture.RunAsync("topic", "describe", "--internal", "-o", "json")).Json().GetProperty("topics").EnumerateArray().ToList();

        Assert.Equal(0, human.ExitCode);
        Assert.Contains($"{fixture.Broker.Address}", human.Stdout);
        var broker = Assert.Single(json.GetProperty("brokers").EnumerateArray());
        Assert.Equal(json.GetProperty("controllerId").GetInt32(), broker.GetProperty("nodeId").GetInt32());
        Assert.True(broker.GetProperty("isController").GetBoolean());
        Assert.Equal(fixture.Broker.Address, broker.GetProperty("address").GetString());
        Assert.Equal(described.Sum(t => t.GetProperty("partitions").GetArrayLength()), broker.GetProperty("leaderPartitions").GetInt32());
        Assert.Equal(described.Sum(t => t.GetProperty("sizeBytes").GetInt64()), broker.GetProperty("leaderSizeBytes").GetInt64());
        Assert.Contains("led-2", broker.GetProperty("partitions").EnumerateArray().Select(p => p.GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("clusterId").GetString()));
    }

    private static string Words(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
