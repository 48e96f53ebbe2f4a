using Grpc.Net.Client;
using LogBroker.Broker.Api;
using LogBroker.Protocol.Grpc;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace LogBroker.Broker.Tests;

/// <summary>Request bytes are reserved against the in-flight budgets before the broker reads them.</summary>
public class InFlightBudgetTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Concurrent_produces_on_one_connection_never_hold_more_than_its_budget()
    {
        await using var broker = await BrokerHost.StartAsync("--LogBroker:MaxInFlightBytesPerConnection", $"{4 * MiB}", "--LogBroker:MaxInFlightBytes", $"{64 * MiB}");
        await CreateTopic(broker.Address, "big", maxMessageBytes: 2 * MiB);
        var batch = TestBatches.Create(1000, valueSize: 1000); // about 1 MiB
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var produce = new Produce.ProduceClient(channel);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => produce.ProduceAsync(RawClients.ProduceOne("big", 0, batch)).ResponseAsync));

        Assert.All(results, r => Assert.Equal(0, r.Topics[0].Partitions[0].ErrorCode));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => i * 1000L), results.Select(r => r.Topics[0].Partitions[0].BaseOffset).Order());
        var limiter = broker.Services.GetRequiredService<InFlightLimiter>();
        output.WriteLine($"peak in flight: {limiter.PeakInFlightBytes} bytes");
        Assert.InRange(limiter.PeakInFlightBytes, batch.Length, 4 * MiB);
        await Eventually.True(() => limiter.InFlightBytes == 0, "every charge to be released once the calls end"); // a call ends just after its response leaves
    }

    [Fact]
    public async Task A_message_larger_than_the_whole_budget_is_admitted_alone()
    {
        await using var broker = await BrokerHost.StartAsync("--LogBroker:MaxInFlightBytesPerConnection", $"{1 * MiB}", "--LogBroker:MaxInFlightBytes", $"{1 * MiB}");
        await CreateTopic(broker.Address, "big", maxMessageBytes: 8 * MiB);
        var batch = TestBatches.Create(3000, valueSize: 1000); // about 3 MiB
        using var channel = GrpcChannel.ForAddress(broker.Address);
        var produce = new Produce.ProduceClient(channel);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => produce.ProduceAsync(RawClients.ProduceOne("big", 0, batch)).ResponseAsync));

        Assert.All(results, r => Assert.Equal(0, r.Topics[0].Partitions[0].ErrorCode));
        await Eventually.True(() => broker.Services.GetRequiredService<InFlightLimiter>().InFlightBytes == 0, "every charge to be released once the calls end");
    }

    [Fact]
    public async Task Broker_memory_stays_bounded_when_one_connection_offers_far_more_than_its_budget()
    {
        await using var broker = await ChildBroker.StartAsync("--LogBroker:MaxInFlightBytesPerConnection", $"{8 * MiB}");
        await CreateTopic(broker.Address, "flood", maxMessageBytes: 20 * MiB);
        var batch = TestBatches.Create(16_000, valueSize: 1000); // about 16 MiB
        using var channel = GrpcChannel.ForAddress(broker.Address, new GrpcChannelOptions { MaxSendMessageSize = null });
        var produce = new Produce.ProduceClient(channel);
        var baseline = broker.ResidentAnonymousBytes();
        long peak = 0;
        using var done = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, broker.ResidentAnonymousBytes());
                await Task.Delay(2, CancellationToken.None); // a sampling period, not a wait for anything
            }
        });

        const int Calls = 24;
        var results = await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => produce.ProduceAsync(RawClients.ProduceOne("flood", 0, batch)).ResponseAsync));
        await done.CancelAsync();
        await sampling;

        Assert.All(results, r => Assert.Equal(0, r.Topics[0].Partitions[0].ErrorCode));
        var growth = peak - baseline;
        output.WriteLine($"broker RssAnon: baseline {baseline / MiB} MiB, peak {peak / MiB} MiB while {Calls * batch.Length / MiB} MiB was offered at once");
        // Bounded by the budget plus the connection's 64 MiB HTTP/2 window of unread bytes; without the budget it grows by all that was offered.
        Assert.True(growth < 256L * MiB, $"RssAnon grew by {growth / MiB} MiB with an 8 MiB connection budget");
    }

    private static async Task CreateTopic(string address, string name, int maxMessageBytes)
    {
        await using var admin = new LogBroker.Client.AdminClient(new LogBroker.Client.AdminClientOptions { BootstrapServers = address });
        await admin.CreateTopicAsync(name, partitions: 1, configs: new Dictionary<string, string> { ["max.message.bytes"] = $"{maxMessageBytes}" });
    }
}
