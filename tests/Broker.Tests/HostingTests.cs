using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using LogBroker.Client;
using LogBroker.Storage;
using LogBroker.TestHosts;
using Xunit;

namespace LogBroker.Broker.Tests;

/// <summary>The broker as a process: its configuration layers, a SIGTERM stop, and the standard gRPC services.</summary>
public class HostingTests
{
    [Fact]
    public async Task Settings_layer_appsettings_then_environment_then_flags()
    {
        var environment = new Dictionary<string, string>
        {
            ["LOGBROKER__TopicDefaults__retention.ms"] = "3600000",
            ["LOGBROKER__TopicDefaults__segment.bytes"] = "1048576",
        };
        await using var broker = await ChildBroker.StartAsync(environment, "--LogBroker:TopicDefaults:segment.bytes", "2097152");
        await using var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address });
        await admin.CreateTopicAsync("layered");

        var configs = (await admin.DescribeTopicsAsync(["layered"]))[0].Configs;

        Assert.Equal("1000", configs["flush.ms"]); // appsettings.json
        Assert.Equal("3600000", configs["retention.ms"]); // environment
        Assert.Equal("2097152", configs["segment.bytes"]); // the flag beats the environment
    }

    [Fact]
    public async Task Sigterm_stops_the_broker_cleanly_with_every_acknowledged_record_kept()
    {
        await using var broker = await ChildBroker.StartAsync();
        await using (var admin = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address }))
        {
            await admin.CreateTopicAsync("orders", partitions: 2);
        }

        // An idle produce stream stays open across the stop: it must not hold the shutdown up.
        await using var producer = new Producer(new ProducerOptions { BootstrapServers = broker.Address });
        for (var i = 0; i < 1000; i++)
        {
            await producer.ProduceAsync("orders", Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}"));
        }

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await broker.StopAsync();
        stopping.Stop();

        Assert.Equal(0, broker.LastExitCode);
        Assert.True(File.Exists(Path.Combine(broker.Data.Path, LogManager.CleanShutdownFileName)), "no clean-shutdown marker");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(12), $"the stop took {stopping.Elapsed.TotalSeconds:F1} s; the shutdown timeout is 15 s, so a call held it up");
        await broker.StartAgainAsync();
        await using var admin2 = new AdminClient(new AdminClientOptions { BootstrapServers = broker.Address });
        var topic = (await admin2.DescribeTopicsAsync(["orders"]))[0];
        Assert.Equal(1000, topic.Partitions.Sum(p => p.HighWatermark));
    }

    [Fact]
    public async Task Grpc_health_checking_and_server_reflection_answer()
    {
        await using var broker = await BrokerHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(broker.Address);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("logbroker.v1.Produce", services);
        Assert.Contains("logbroker.v1.Fetch", services);
        Assert.Contains("logbroker.v1.Admin", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
