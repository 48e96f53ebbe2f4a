using LogBroker.Broker.Hosting;
using LogBroker.Broker.Kafka.Adapters;
using LogBroker.Broker.Kafka.ClassicGroups;
using LogBroker.Broker.Kafka.Handlers;
using LogBroker.Broker.Kafka.Network;
using Microsoft.Extensions.DependencyInjection;

namespace LogBroker.Broker.Kafka;

/// <summary>Registers the Kafka listener: adapters onto the broker, the classic group coordinator, and one handler per API.</summary>
public static class KafkaListenerServices
{
    public static IServiceCollection AddKafkaListener(this IServiceCollection services, BrokerOptions options)
    {
        services.AddSingleton<KafkaCluster>();
        services.AddSingleton<KafkaPartitions>();
        services.AddSingleton<KafkaTopicAdmin>();
        services.AddSingleton<KafkaGroups>();
        services.AddSingleton(new ClassicGroupOptions
        {
            InitialRebalanceDelay = TimeSpan.FromMilliseconds(options.KafkaGroupInitialRebalanceDelayMs),
            MinSessionTimeout = TimeSpan.FromMilliseconds(options.GroupMinSessionTimeoutMs),
            MaxSessionTimeout = TimeSpan.FromMilliseconds(options.GroupMaxSessionTimeoutMs),
        });
        services.AddSingleton(sp => new ClassicGroupCoordinator(
            sp.GetRequiredService<ClassicGroupOptions>(),
            TimeProvider.System,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ClassicGroupCoordinator>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClassicGroupCoordinator>());
        services.AddSingleton(new KafkaListenerLimits(options.KafkaMaxRequestBytes, options.KafkaMaxInFlightBytes, options.KafkaMaxInFlightBytesPerConnection, options.KafkaMaxQueuedRequestsPerConnection));

        services.AddSingleton<IKafkaApiHandler, MetadataHandler>();
        services.AddSingleton<IKafkaApiHandler, ProduceHandler>();
        services.AddSingleton<IKafkaApiHandler, FetchHandler>();
        services.AddSingleton<IKafkaApiHandler, ListOffsetsHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetForLeaderEpochHandler>();
        services.AddSingleton<IKafkaApiHandler, FindCoordinatorHandler>();
        services.AddSingleton<IKafkaApiHandler, JoinGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, SyncGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, HeartbeatHandler>();
        services.AddSingleton<IKafkaApiHandler, LeaveGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetCommitHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetFetchHandler>();
        services.AddSingleton<IKafkaApiHandler>(sp => new ConsumerGroupHeartbeatHandler(
            sp.GetRequiredService<KafkaGroups>(),
            sp.GetRequiredService<KafkaCluster>(),
            sp.GetRequiredService<ClassicGroupCoordinator>(),
            TimeProvider.System));
        services.AddSingleton<IKafkaApiHandler, ListGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, DescribeGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, DeleteGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, CreateTopicsHandler>();
        services.AddSingleton<IKafkaApiHandler, DeleteTopicsHandler>();
        services.AddSingleton<IKafkaApiHandler, CreatePartitionsHandler>();
        services.AddSingleton<IKafkaApiHandler, DescribeConfigsHandler>();
        services.AddSingleton<IKafkaApiHandler, IncrementalAlterConfigsHandler>();

        // InitProducerId is served (and advertised) only once something hands out producer ids.
        services.AddSingleton(sp => new KafkaApiRegistry(sp.GetServices<IKafkaApiHandler>()
            .Concat(sp.GetService<IProducerIdSource>() is { } source ? [new InitProducerIdHandler(source)] : [])));
        services.AddHostedService<KafkaListenerAnnouncement>();
        return services;
    }
}
