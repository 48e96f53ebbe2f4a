using System.Net;
using LogBroker.Broker.Api;
using LogBroker.Broker.Cluster;
using LogBroker.Broker.Cluster.Controller;
using LogBroker.Broker.Cluster.Quorum;
using LogBroker.Broker.Partitions.Replication;
using LogBroker.Broker.Groups;
using LogBroker.Broker.Kafka;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.Network;
using LogBroker.Broker.Observability;
using LogBroker.Broker.Partitions;
using LogBroker.Storage;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        ["--controller-voters"] = "LogBroker:ControllerVoters",
        ["--controller-port"] = "LogBroker:ControllerPort",
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
        }

        builder.Services.AddSingleton(kafkaEndpoint);

        var app = builder.Build();
        app.UseMiddleware<RequestBudgetMiddleware>();
        app.MapGrpcService<ProduceService>();
        app.MapGrpcService<FetchService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<MetadataService>();
        app.MapGrpcService<GroupsService>();
        app.MapGrpcService<ReplicationService>();
        app.MapGrpcService<ControllerService>();
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
        var voters = options.Voters();
        var time = TimeProvider.System;
        services.AddSingleton(options);
        services.AddSingleton(endpoints);
        services.AddSingleton(time);
        services.AddSingleton(_ => BrokerIdentity.LoadOrCreate(dataDirectory, options.NodeId));
        services.AddSingleton<BrokerChannels>();

        // The metadata log: the quorum replicates it, the store applies it to this broker's image.
        services.AddSingleton<MetadataStore>();
        services.AddSingleton<IMetadataQuorum>(sp => new RaftMetadataQuorum(
            new QuorumOptions
            {
                NodeId = options.NodeId,
                Voters = voters,
                DataDirectory = dataDirectory,
                ElectionTimeoutMin = TimeSpan.FromMilliseconds(options.QuorumElectionTimeoutMinMs),
                ElectionTimeoutMax = TimeSpan.FromMilliseconds(options.QuorumElectionTimeoutMaxMs),
                LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            },
            sp.GetRequiredService<MetadataStore>()));
        services.AddSingleton(new TopicConfigResolver(topicDefaults));
        services.AddSingleton(sp => new QuorumController(
            sp.GetRequiredService<IMetadataQuorum>(),
            sp.GetRequiredService<MetadataStore>(),
            sp.GetRequiredService<TopicConfigResolver>(),
            new ControllerOptions
            {
                NodeId = options.NodeId,
                BrokerSessionTimeout = TimeSpan.FromMilliseconds(options.BrokerSessionTimeoutMs),
                DefaultReplicationFactor = options.DefaultReplicationFactor,
                OffsetsTopicReplicationFactor = options.OffsetsTopicReplicationFactor > 0 ? options.OffsetsTopicReplicationFactor : Math.Min(3, voters.Count),
                AutoLeaderRebalance = options.AutoLeaderRebalanceEnable,
                LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(options.LeaderImbalanceCheckIntervalSeconds),
                LegacyTopicsFile = Path.Combine(dataDirectory, "metadata", "topics.json"),
            },
            time,
            sp.GetRequiredService<ILogger<QuorumController>>()));
        services.AddSingleton<IRemoteControllerFactory, RemoteControllerFactory>();
        services.AddSingleton<ControllerChannel>();
        services.AddSingleton(sp => new BrokerMembership(
            sp.GetRequiredService<BrokerIdentity>(),
            sp.GetRequiredService<ControllerChannel>(),
            sp.GetRequiredService<MetadataStore>(),
            new BrokerMembershipOptions(TimeSpan.FromMilliseconds(options.BrokerHeartbeatIntervalMs), TimeSpan.FromMilliseconds(options.BrokerSessionTimeoutMs), options.Rack),
            time,
            sp.GetRequiredService<ILogger<BrokerMembership>>()));

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
                time);
        });

        // Replication: partitions lead or follow as the image says; followers fetch from leaders.
        services.AddSingleton(sp => new IsrChangeSender(
            sp.GetRequiredService<ControllerChannel>(),
            sp.GetRequiredService<BrokerIdentity>(),
            () => sp.GetRequiredService<BrokerMembership>().BrokerEpoch,
            sp.GetRequiredService<BrokerMetrics>().IsrChanged,
            sp.GetRequiredService<ILogger<IsrChangeSender>>()));
        services.AddSingleton(sp =>
        {
            var membership = sp.GetRequiredService<BrokerMembership>();
            var metadata = sp.GetRequiredService<MetadataStore>();
            var isr = sp.GetRequiredService<IsrChangeSender>();
            return new PartitionContext(
                options.NodeId,
                time,
                TimeSpan.FromMilliseconds(options.ReplicaLagTimeMaxMs),
                () => membership.HoldsLease,
                id => metadata.Image.IsActive(id),
                isr.Want);
        });
        services.AddSingleton<IReplicaFetchClientFactory, ReplicaFetchClientFactory>();
        services.AddSingleton(sp =>
        {
            var metadata = sp.GetRequiredService<MetadataStore>();
            var membership = sp.GetRequiredService<BrokerMembership>();
            return new ReplicaFetcherManager(
                options.NodeId,
                id => metadata.Image.AddressOf(id),
                () => membership.BrokerEpoch,
                sp.GetRequiredService<IReplicaFetchClientFactory>(),
                new ReplicaFetcherOptions { MaxWait = TimeSpan.FromMilliseconds(options.ReplicaFetchWaitMaxMs) },
                sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton<ReplicaManager>();
        services.AddSingleton<IPartitionOffsets, ClusterPartitionOffsets>();
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
        services.AddSingleton(sp => new OffsetsLog(sp.GetRequiredService<ReplicaManager>(), groupOptions.OffsetsTopicPartitions, time));
        services.AddSingleton<GroupStore>();
        services.AddSingleton(sp => new GroupCoordinator(
            sp.GetRequiredService<GroupStore>(),
            sp.GetRequiredService<ReplicaManager>(),
            sp.GetRequiredService<ControllerChannel>(),
            sp.GetRequiredService<MetadataStore>(),
            groupOptions,
            time,
            sp.GetRequiredService<ILogger<GroupCoordinator>>()));
        services.AddSingleton(sp => new OffsetManager(sp.GetRequiredService<GroupStore>(), sp.GetRequiredService<IPartitionOffsets>(), groupOptions, time));
        services.AddSingleton<GroupAdmin>();
        services.AddSingleton<BrokerLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<BrokerLifecycle>());

        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<MetricsInterceptor>();
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<FetchService>, FramedFetchMethodProvider>());
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
