using System.Collections.Immutable;
using LogBroker.Broker.Cluster.Image;
using Proto = LogBroker.Protocol.Grpc;

namespace LogBroker.Broker.Api;

/// <summary>Partition state between its domain and wire shapes (both ends of the controller service use it).</summary>
internal static class ControllerMapping
{
    public static Proto.PartitionState ToProto(string topic, PartitionImage partition)
    {
        var state = new Proto.PartitionState
        {
            Topic = topic,
            Partition = partition.Partition,
            Leader = partition.Leader,
            LeaderEpoch = partition.LeaderEpoch,
            PartitionEpoch = partition.PartitionEpoch,
        };
        state.Replicas.AddRange(partition.Replicas);
        state.Isr.AddRange(partition.Isr);
        state.Elr.AddRange(partition.Elr);
        return state;
    }

    public static PartitionImage ToImage(Proto.PartitionState state) => new(
        state.Partition,
        [.. state.Replicas],
        [.. state.Isr],
        [.. state.Elr],
        state.Leader,
        state.LeaderEpoch,
        state.PartitionEpoch);

    public static ImmutableDictionary<string, string> Map(IDictionary<string, string> map) => map.ToImmutableDictionary(StringComparer.Ordinal);
}
