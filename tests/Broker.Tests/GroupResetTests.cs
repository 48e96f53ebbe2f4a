using System.Text;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Protocol;
using LogBroker.Protocol.Errors;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>Rewinding a group: a reset moves its committed offsets, and its members replay from there.</summary>
public class GroupResetTests
{
    [Fact]
    public async Task Resetting_a_group_to_a_timestamp_replays_exactly_the_records_from_that_time_on()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("history", partitions: 2);
        var start = DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(new TopicPartition("history", i % 2), null, Encoding.UTF8.GetBytes($"h{i}"), timestamp: start.AddMinutes(i).ToUnixTimeMilliseconds());
            }
        }

        await using (var reader = new Consumer(GroupOptions(broker, "replayers")))
        {
            reader.Subscribe(["history"]);
            await ProduceConsumeTests.ReadAsync(reader, 100);
            await reader.CommitAsync();
        }

        var refused = await Assert.ThrowsAsync<LogBrokerException>(async () =>
        {
            await using var active = new Consumer(GroupOptions(broker, "replayers"));
            active.Subscribe(["history"]);
            await Eventually.True(async () => (await TryDescribe(admin, "replayers"))?.Members.Count == 1, "the member to join");
            await admin.ResetGroupOffsetsAsync("replayers", "history", OffsetResetTarget.Timestamp, start.AddMinutes(60).ToUnixTimeMilliseconds());
        });
        Assert.Equal(ErrorCode.NonEmptyGroup, refused.Code);
        await Eventually.True(async () => (await TryDescribe(admin, "replayers"))?.Members.Count == 0, "the member to leave");

        var reset = await admin.ResetGroupOffsetsAsync("replayers", "history", OffsetResetTarget.Timestamp, start.AddMinutes(60).ToUnixTimeMilliseconds());
        Assert.Equal(new Dictionary<TopicPartition, long> { [new("history", 0)] = 30, [new("history", 1)] = 30 }, reset);

        await using var replay = new Consumer(GroupOptions(broker, "replayers"));
        replay.Subscribe(["history"]);
        var replayed = await ProduceConsumeTests.ReadAsync(replay, 40);
        Assert.Equal(Enumerable.Range(60, 40).Select(i => $"h{i}").Order(), replayed.Select(r => r.ValueAsString()).Order());
        Assert.All(replayed, r => Assert.True(r.Timestamp >= start.AddMinutes(60)));

        // Nothing else to come: both partitions were read up to their high watermark.
        foreach (var partition in new[] { new TopicPartition("history", 0), new TopicPartition("history", 1) })
        {
            Assert.Equal((await replay.QueryWatermarksAsync(partition)).High, replay.Position(partition));
        }
    }
}
