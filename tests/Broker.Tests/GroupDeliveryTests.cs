using System.Collections.Concurrent;
using System.Text;
using LogBroker.Client;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>At-least-once delivery: what a member did not commit is delivered again to someone.</summary>
public class GroupDeliveryTests
{
    [Fact]
    public async Task A_killed_member_that_did_not_commit_has_its_records_delivered_again_to_the_others_and_none_lost()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("jobs", partitions: 4);
        }

        const int Count = 4000;
        await using (var producer = broker.Producer())
        {
            for (var i = 0; i < Count; i++)
            {
                producer.Produce("jobs", null, Encoding.UTF8.GetBytes($"job-{i}"), partition: i % 4);
            }

            await producer.FlushAsync();
        }

        var options = GroupOptions(broker, "crew") with { EnableAutoCommit = false, SessionTimeout = TimeSpan.FromSeconds(2) };
        var seenBy = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var victim = new Consumer(options);
        victim.Subscribe(["jobs"]);
        await using var survivor = new Consumer(options);
        survivor.Subscribe(["jobs"]);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var survivorLoop = Collect(survivor, "survivor", seenBy, commit: true, stop.Token);

        // The victim reads its partitions, commits half of what it read, then dies.
        var victimSeen = new List<string>();
        while (victimSeen.Count < 600)
        {
            var record = await victim.ConsumeOneAsync(stop.Token);
            victimSeen.Add(record.ValueAsString()!);
            seenBy.GetOrAdd("victim", _ => []).Add(record.ValueAsString()!);
            if (victimSeen.Count == 300)
            {
                await victim.CommitAsync(stop.Token);
            }
        }

        victim.Abandon();

        await Eventually.True(() => seenBy.Values.SelectMany(v => v).Distinct().Count() == Count, "every record to be consumed by someone", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await survivorLoop;

        var all = seenBy.Values.SelectMany(v => v).ToList();
        Assert.Equal(Count, all.Distinct().Count()); // none lost
        var uncommittedByVictim = victimSeen.Skip(300).ToHashSet();
        Assert.True(seenBy["survivor"].Any(uncommittedByVictim.Contains), "records the victim read but did not commit were not delivered again");
    }
}
