using System.Net;
using LogBroker.Broker.Api;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Groups;
using LogBroker.Broker.Kafka;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Observability;
using LogBroker.Broker.Partitions;
using LogBroker.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LogBroker.Broker.Hosting;

/// <summary>
/// Builds the broker process: configuration layers, Kestrel listeners (gRPC on HTTP/2 without TLS;
/// health and metrics on HTTP/1.1; when enabled, Kafka's wire protocol on raw TCP), the domain
/// objects, and the gRPC services and Kafka handlers that adapt them.
/// Tests build the same app with a temp data directory and port 0.
/// </summary>
public static class BrokerApp
{
    /// <summary>Short flags for the usual settings, besides the long <c>--LogBroker:Name value</c> form.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data-dir"] = "LogBroker:DataDirectory",
        ["--node-id"] = "LogBroker:NodeId",
        ["--bind"] = "LogBroker:BindAddress",
        ["--advertised-host"] = "LogBroker:AdvertisedHost",
        ["--grpc-port"] = "LogBroker:GrpcPort",
        ["--http-port"] = "LogBroker:HttpPort",
        ["--kafka-enabled"] = "LogBroker:KafkaEnabled",
        ["--kafka-port"] = "LogBroker:KafkaPort",
    };

    /// <summary>Concurrent calls per client connection; a gRPC client opens more connections past it.</summary>
    public const int MaxStreamsPerConnection = 64;

    /// <summary>HTTP/2 receive window per call: enough for a producer to keep several batches in flight.</summary>
    public const int StreamWindowBytes = 1024 * 1024;

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));
        var options = builder.Configuration.GetSection(BrokerOptions.Section).Get<BrokerOptions>() ?? new BrokerOptions();
        var topicDefaults = options.Validate();

        var endpoints = new BrokerEndpoints();
        var kafkaEndpoint = new KafkaEndpoint(options);
        var metrics = new BrokerMetrics();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(options.BindAddress);
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                CountConnections(listen, metrics, "grpc");
                endpoints.Grpc = listen;
            });
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                CountConnections(listen, metrics, "http");
                endpoints.Http = listen;
            });
            if (options.KafkaEnabled)
            {
                kestrel.Listen(address, options.KafkaPort, listen =>
                {
                    listen.UseConnectionHandler<KafkaConnectionHandler>();
                    kafkaEndpoint.Listener = listen;
                });
            }

            // Flow control is what stops a client whose requests wait for in-flight budget
            // (RequestBudgetMiddleware): such a stream holds at most its window of unread bytes, and
            // the connection window covers every stream's window, so the streams that are admitted
            // can always receive the rest of their messages and no connection can wedge itself.
            // Unread bytes per connection are bounded by the connection window; request bytes being
            // buffered and handled, by the in-flight budget.
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            kestrel.Limits.Http2.InitialStreamWindowSize = StreamWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = MaxStreamsPerConnection * StreamWindowBytes;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));

        builder.Services.AddSingleton(metrics);
        AddBrokerServices(builder.Services, options, topicDefaults, endpoints);
        if (options.KafkaEnabled)
        {
            builder.Services.AddKafkaListener(options);
            builder.Services.AddSingleton(kafkaEndpoint);
        }

        var app = builder.Build();
        app.UseMiddleware<RequestBudgetMiddleware>();
        app.MapGrpcService<ProduceService>();
        app.MapGrpcService<FetchService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<MetadataService>();
        app.MapGrpcService<GroupsService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapGet("/", () => "LogBroker: gRPC on the gRPC port; /health/live, /health/ready, /metrics here.\n");
        return app;
    }

    private static void AddBrokerServices(IServiceCollection services, BrokerOptions options, Storage.Config.LogConfig topicDefaults, BrokerEndpoints endpoints)
    {
        var dataDirectory = options.DataDirectoryFullPath;
        services.AddSingleton(options);
        services.AddSingleton(endpoints);
        services.AddSingleton(_ => BrokerIdentity.LoadOrCreate(dataDirectory, options.NodeId));
        services.AddSingleton(_ => MetadataStore.Open(dataDirectory));
        services.AddSingleton(new TopicConfigResolver(topicDefaults));
        services.AddSingleton(sp =>
        {
            var metadata = sp.GetRequiredService<MetadataStore>();
            var configs = sp.GetRequiredService<TopicConfigResolver>();
            return LogManager.Open(
                new LogManagerOptions
                {
                    DataDirectory = dataDirectory,
                    DefaultConfig = topicDefaults,
                    FlushCheckInterval = TimeSpan.FromMilliseconds(options.FlushCheckIntervalMs),
                    RetentionCheckInterval = TimeSpan.FromMilliseconds(options.RetentionCheckIntervalMs),
                    CheckpointInterval = TimeSpan.FromMilliseconds(options.CheckpointIntervalMs),
                    Cleaner = options.Cleaner.ToCleanerOptions(),
                },
                topic => metadata.Topics.TryGetValue(topic, out var spec) ? configs.Resolve(spec) : null,
                sp.GetRequiredService<ILoggerFactory>(),
                TimeProvider.System);
        });
        services.AddSingleton<ReplicaManager>();
        services.AddSingleton(sp => new TopicController(sp.GetRequiredService<MetadataStore>(), sp.GetRequiredService<TopicConfigResolver>(), sp.GetRequiredService<ILogger<TopicController>>()));
        services.AddSingleton(sp => new FetchManager(sp.GetRequiredService<ReplicaManager>()));
        services.AddSingleton(new InFlightLimiter(options.MaxInFlightBytes, options.MaxInFlightBytesPerConnection));
        var groupOptions = new GroupCoordinatorOptions
        {
            OffsetsTopicPartitions = options.OffsetsTopicPartitions,
            HeartbeatInterval = TimeSpan.FromMilliseconds(options.GroupHeartbeatIntervalMs),
            MinSessionTimeout = TimeSpan.FromMilliseconds(options.GroupMinSessionTimeoutMs),
            MaxSessionTimeout = TimeSpan.FromMilliseconds(options.GroupMaxSessionTimeoutMs),
        };
        services.AddSingleton(groupOptions);
        services.AddSingleton(sp => new OffsetsLog(sp.GetRequiredService<ReplicaManager>(), groupOptions.OffsetsTopicPartitions, TimeProvider.System));
        services.AddSingleton<GroupStore>();
        services.AddSingleton(sp => new GroupCoordinator(
            sp.GetRequiredService<GroupStore>(),
            sp.GetRequiredService<TopicController>(),
            sp.GetRequiredService<MetadataStore>(),
            groupOptions,
            TimeProvider.System,
            sp.GetRequiredService<ILogger<GroupCoordinator>>()));
        services.AddSingleton(sp => new OffsetManager(sp.GetRequiredService<GroupStore>(), sp.GetRequiredService<ReplicaManager>(), groupOptions, TimeProvider.System));
        services.AddSingleton<GroupAdmin>();
        services.AddSingleton<BrokerLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<BrokerLifecycle>());

        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<MetricsInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<ReadinessCheck>("broker", tags: ["ready"]);
    }

    private static void CountConnections(ListenOptions listen, BrokerMetrics metrics, string listener) =>
        listen.Use(next => async connection =>
        {
            metrics.ConnectionOpened(listener);
            try
            {
                await next(connection);
            }
            finally
            {
                metrics.ConnectionClosed(listener);
            }
        });

    /// <summary>Ready once every log is open and the listeners are bound.</summary>
    private sealed class ReadinessCheck(BrokerLifecycle lifecycle) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifecycle.IsReady ? HealthCheckResult.Healthy("serving") : HealthCheckResult.Unhealthy("starting or stopping"));
    }
}
