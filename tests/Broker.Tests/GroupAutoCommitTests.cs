using System.Collections.Concurrent;
using LogBroker.Client;
using LogBroker.Client.Consuming;
using LogBroker.Protocol;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Xunit;
using static LogBroker.Broker.Tests.GroupTestKit;

namespace LogBroker.Broker.Tests;

/// <summary>
/// Auto-commit is at least once: it commits only records the application is done with, those handed
/// out before its latest call for the next record, however often the timer fires meanwhile.
/// </summary>
public class GroupAutoCommitTests
{
    [Fact]
    public async Task Auto_commit_never_commits_a_record_still_being_processed_only_those_handed_out_before_the_latest_call()
    {
        await using var broker = await BrokerHost.StartAsync();
        await using (var admin = broker.Admin())
        {
            await admin.CreateTopicAsync("steps");
        }

        await using (var producer = broker.Producer())
        {
            await producer.ProduceAsync("steps", null, "first"u8.ToArray());
            await producer.ProduceAsync("steps", null, "second"u8.ToArray());
        }

        var partition = new TopicPartition("steps", 0);
        var autoCommits = new ConcurrentQueue<CommitReport>();
        var options = GroupOptions(broker, "careful") with
        {
            AutoCommitInterval = TimeSpan.FromMilliseconds(20),
            CommitObserver = report =>
            {
                if (report.Automatic)
                {
                    autoCommits.Enqueue(report);
                }
            },
        };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var consumer = new Consumer(options);
        consumer.Subscribe(["steps"]);

        // Record 0 is being processed: however many auto-commits run meanwhile, none commits past it.
        var first = await consumer.ConsumeOneAsync(deadline.Token);
        Assert.Equal(0, first.Offset);
        await AutoCommitsAfter(autoCommits.Count);
        Assert.All(autoCommits.SelectMany(r => r.Offsets), o => Assert.Equal(0, o.Offset));
        Assert.Equal(0, (await consumer.CommittedAsync([partition]))[partition].Offset);

        // Asking for record 1 says record 0 is done.
        var second = await consumer.ConsumeOneAsync(deadline.Token);
        Assert.Equal(1, second.Offset);
        await AutoCommitsAfter(autoCommits.Count);
        Assert.All(autoCommits.SelectMany(r => r.Offsets), o => Assert.InRange(o.Offset, 0, 1));
        Assert.Equal(1, (await consumer.CommittedAsync([partition]))[partition].Offset);

        // Waiting for a record that is not there yet: record 1 is done too.
        var third = consumer.ConsumeOneAsync(deadline.Token).AsTask();
        await Eventually.True(async () => (await consumer.CommittedAsync([partition]))[partition].Offset == 2, "record 1 to be committed once the next was asked for");
        Assert.False(third.IsCompleted);

        await consumer.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => third);
        Assert.DoesNotContain(autoCommits, r => r.Error is not null);

        // At least two more auto-commits completed, so at least one began after this point.
        async Task AutoCommitsAfter(int count) =>
            await Eventually.True(() => autoCommits.Count >= count + 2, "two more auto-commits", TimeSpan.FromSeconds(60));
    }
}
