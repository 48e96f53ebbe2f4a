using System.CommandLine;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Cluster;

/// <summary>
/// <c>lbctl cluster</c>: the brokers, the controller, and per broker the partitions it leads (internal
/// topics included) with their total size on disk.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var command = new Command("cluster", "Show brokers, the controller, and the partitions each broker leads");
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var cluster = await admin.DescribeClusterAsync(cancellationToken);
            var topics = await admin.DescribeTopicsAsync(null, includeInternal: true, cancellationToken);
            var partitions = topics.SelectMany(t => t.Partitions).ToList();
            var brokers = cluster.Brokers
                .OrderBy(b => b.NodeId)
                .Select(b =>
                {
                    var led = partitions.Where(p => p.Leader == b.NodeId).OrderBy(p => p.TopicPartition.Topic, StringComparer.Ordinal).ThenBy(p => p.TopicPartition.Partition).ToList();
                    return new BrokerView(b.NodeId, b.Address, b.NodeId == cluster.ControllerId, led.Count, led.Sum(p => p.SizeInBytes), [.. led.Select(p => p.TopicPartition.ToString())]);
                })
                .ToList();
            var leaderless = partitions.Count(p => brokers.TrueForAll(b => b.NodeId != p.Leader));
            if (context.IsJson)
            {
                context.WriteJson(new { clusterId = cluster.ClusterId, controllerId = cluster.ControllerId, brokers, leaderlessPartitions = leaderless });
                return ExitCodes.Ok;
            }

            context.WriteLine($"Cluster: {cluster.ClusterId}  controller: {cluster.ControllerId}  brokers: {brokers.Count}  topics: {topics.Count}  partitions: {partitions.Count}");
            var table = new HumanTable("NODE", "ADDRESS", "CONTROLLER", "LEADS", "LEADER SIZE");
            foreach (var b in brokers)
            {
                table.Row(b.NodeId, b.Address, b.IsController ? "yes" : "no", b.LeaderPartitions, Formats.Bytes(b.LeaderSizeBytes));
            }

            table.WriteTo(io.Console);
            if (leaderless > 0)
            {
                context.WriteLine($"{leaderless} partition(s) have no leader among these brokers.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record BrokerView(int NodeId, string Address, bool IsController, int LeaderPartitions, long LeaderSizeBytes, IReadOnlyList<string> Partitions);
}
