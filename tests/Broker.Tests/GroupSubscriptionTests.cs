using LogBroker.Client;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>Subscriptions by topic list and by regular expression, following topics as they appear and grow.</summary>
public class GroupSubscriptionTests
{
    [Fact]
    public async Task Regex_subscriptions_pick_up_new_topics_and_added_partitions()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using var admin = broker.Admin();
        await admin.CreateTopicAsync("metrics.cpu");
        await using var consumer = new Consumer(GroupOptions(broker, "scrapers"));
        consumer.Subscribe(@"metrics\..*");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var pump = Pump(consumer, cts.Token);
        await Eventually.True(() => consumer.Assignment.Count == 1, "the existing topic to be assigned");

        await admin.CreateTopicAsync("metrics.disk", partitions: 2);
        await admin.CreateTopicAsync("logs.app");
        await Eventually.True(() => consumer.Assignment.Count == 3, "the new matching topic's partitions to be assigned");

        await admin.CreatePartitionsAsync("metrics.cpu", 3);
        await Eventually.True(() => consumer.Assignment.Count == 5, "added partitions to be assigned");
        Assert.DoesNotContain(consumer.Assignment, p => p.Topic == "logs.app");
        await cts.CancelAsync();
        await pump;
    }
}
