using Confluent.Kafka;
using LogBroker.Broker.Hosting;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.TestHosts;
using LogBroker.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogBroker.Kafka.Tests;

/// <summary>
/// A real broker in this process with its Kafka listener on, every port on loopback chosen by the OS,
/// data in a temp directory deleted with the fixture; plus Kafka clients (Confluent.Kafka, i.e.
/// librdkafka) and LogBroker clients configured for it. Idempotence is off: the broker does not hand
/// out producer ids yet.
/// </summary>
public sealed class KafkaBrokerHost : IAsyncDisposable
{
    private readonly TempDirectory _data = new("kafka");
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    private KafkaBrokerHost(string[] extraArgs) => _extraArgs = extraArgs;

    /// <summary>host:port of the Kafka listener, as Kafka clients take it.</summary>
    public string Bootstrap { get; private set; } = string.Empty;

    /// <summary>URL of the gRPC API, as LogBroker clients take it.</summary>
    public string GrpcAddress { get; private set; } = string.Empty;

    public string DataDirectory => _data.Path;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the broker is not running");

    public static async Task<KafkaBrokerHost> StartAsync(params string[] extraArgs)
    {
        var host = new KafkaBrokerHost(extraArgs);
        string[] args =
        [
            "--data-dir", host._data.Path,
            "--grpc-port", "0",
            "--http-port", "0",
            "--controller-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--kafka-enabled", "true",
            "--kafka-port", "0",
            "--LogBroker:KafkaGroupInitialRebalanceDelayMs", "0",
            "--LogBroker:OffsetsTopicPartitions", "4",
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ];
        host._app = BrokerApp.Build(args);
        await host._app.StartAsync();
        var lifecycle = host._app.Services.GetRequiredService<BrokerLifecycle>();
        await Eventually.True(() => lifecycle.IsReady, "the broker to be unfenced and its groups loaded", TimeSpan.FromSeconds(60));
        var kafka = host._app.Services.GetRequiredService<KafkaEndpoint>();
        host.Bootstrap = $"127.0.0.1:{kafka.Port}";
        host.GrpcAddress = host._app.Services.GetRequiredService<BrokerEndpoints>().GrpcAddress(host._app.Services.GetRequiredService<BrokerOptions>());
        return host;
    }

    public ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = Bootstrap,
        EnableIdempotence = false,
        Acks = Acks.All,
        LingerMs = 5,
        Partitioner = Partitioner.Murmur2Random, // Kafka's (and LogBroker's) partitioner for keyed records
    };

    public ConsumerConfig ConsumerConfig(string groupId) => new()
    {
        BootstrapServers = Bootstrap,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 500,
        FetchWaitMaxMs = 100,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    public IProducer<string, string> Producer(Action<ProducerConfig>? tweak = null)
    {
        var config = ProducerConfig();
        tweak?.Invoke(config);
        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public IConsumer<string, string> Consumer(string groupId, Action<ConsumerConfig>? tweak = null, List<Error>? errors = null)
    {
        var config = ConsumerConfig(groupId);
        tweak?.Invoke(config);
        return new ConsumerBuilder<string, string>(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) =>
            {
                if (errors is not null)
                {
                    lock (errors)
                    {
                        errors.Add(e);
                    }
                }
            })
            .Build();
    }

    public IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).SetLogHandler((_, _) => { }).Build();

    public LogBroker.Client.AdminClient GrpcAdmin() => new(new LogBroker.Client.AdminClientOptions { BootstrapServers = GrpcAddress });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            var app = _app;
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _data.Dispose();
    }
}
