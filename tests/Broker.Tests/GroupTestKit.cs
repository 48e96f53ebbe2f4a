using System.Collections.Concurrent;
using System.Text;
using LogBroker.Client;
using LogBroker.Protocol.Errors;
using LogBroker.TestHosts;
using GroupDescription = LogBroker.Client.Admin.GroupDescription;

namespace LogBroker.Broker.Tests;

/// <summary>What the group tests share: consumer settings, waiting on a group, and consuming or producing in the background.</summary>
internal static class GroupTestKit
{
    public static ConsumerOptions GroupOptions(BrokerHost broker, string group) => GroupOptions(broker.Address, group);

    public static ConsumerOptions GroupOptions(string address, string group) => new()
    {
        BootstrapServers = address,
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchMaxWait = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>The group, or null while it does not exist yet (its first member has not heartbeated).</summary>
    public static async Task<GroupDescription?> TryDescribe(AdminClient admin, string groupId)
    {
        try
        {
            return await admin.DescribeGroupAsync(groupId);
        }
        catch (LogBrokerException e) when (e.Code == ErrorCode.GroupIdNotFound)
        {
            return null;
        }
    }

    /// <summary>Consumes and discards until cancelled, which keeps the consumer applying rebalances.</summary>
    public static Task Pump(Consumer consumer, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var _ in consumer.ConsumeAsync(cancellationToken))
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    /// <summary>Consumes until cancelled, recording every value under <paramref name="name"/>; commits every 100 records when asked.</summary>
    public static Task Collect(Consumer consumer, string name, ConcurrentDictionary<string, ConcurrentBag<string>> seen, bool commit, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            await foreach (var record in consumer.ConsumeAsync(cancellationToken))
            {
                seen.GetOrAdd(name, _ => []).Add(record.ValueAsString()!);
                if (commit && seen[name].Count % 100 == 0)
                {
                    await consumer.CommitAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, CancellationToken.None);

    /// <summary>Produces round-robin over the partitions until cancelled.</summary>
    public static Task ProduceContinuously(BrokerHost broker, string topic, int partitions, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        await using var producer = broker.Producer();
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            producer.Produce(topic, null, Encoding.UTF8.GetBytes($"r{i}"), partition: i % partitions);
            if (i % 200 == 0)
            {
                await producer.FlushAsync(CancellationToken.None);
            }
        }
    }, CancellationToken.None);

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
