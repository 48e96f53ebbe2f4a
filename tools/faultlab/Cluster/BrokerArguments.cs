using System.Globalization;
using LogBroker.Faultlab.Hosts;

namespace LogBroker.Faultlab.Cluster;

/// <summary>
/// The command line each broker of the lab is started with. One broker: today's single-node flags.
/// More than one: the same, plus the combined-mode quorum flags of the cluster (every broker a voter,
/// Kafka's controller.quorum.voters), so the lab runs a cluster by configuration alone once the broker
/// has them. Settings that keep a lab broker small are set here, in one place.
/// </summary>
public static class BrokerArguments
{
    /// <summary>Partitions of <c>__consumer_offsets</c>: fewer files to recover after every kill than the default 50.</summary>
    public const int OffsetsTopicPartitions = 4;

    public static IReadOnlyList<string> For(NodeEndpoint node, IReadOnlyList<NodeEndpoint> cluster, string dataDirectory)
    {
        var args = new List<string>
        {
            "--node-id", Text(node.NodeId),
            "--bind", node.Host.ToString(),
            "--advertised-host", node.Host.ToString(),
            "--grpc-port", Text(node.GrpcPort),
            "--http-port", Text(node.HttpPort),
            "--data-dir", dataDirectory,
            "--LogBroker:OffsetsTopicPartitions", Text(OffsetsTopicPartitions),
            "--LogBroker:ShutdownTimeoutSeconds", "10",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:LogBroker.Broker.Hosting", "Information",
        };

        if (cluster.Count > 1)
        {
            args.AddRange(["--controller-port", Text(node.ControllerPort), "--controller-voters", string.Join(',', cluster.Select(n => n.Voter))]);
        }

        return args;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
