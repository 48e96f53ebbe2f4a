using System.CommandLine;
using LogBroker.Client.Admin;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Topics;

/// <summary>
/// <c>lbctl topic describe [NAME...]</c>: each partition's leader, replicas, log start and end offsets,
/// high watermark, bytes and segments on disk; then every effective config, overrides marked.
/// </summary>
internal static class TopicDescribeCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Topics to describe (all topics when none are named)", Arity = ArgumentArity.ZeroOrMore };
        var includeInternal = new Option<bool>("--internal") { Description = "With no names: include internal topics" };
        var command = new Command("describe", "Describe topics: partitions, offsets, sizes and configs") { names, includeInternal };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var requested = result.GetValue(names) ?? [];
            var described = await admin.DescribeTopicsAsync(requested, result.GetValue(includeInternal), cancellationToken);
            var ordered = requested.Length == 0 ? described.OrderBy(t => t.Name, StringComparer.Ordinal) : described.AsEnumerable();
            var topics = ordered.Select(TopicView.From).ToList();
            if (context.IsJson)
            {
                context.WriteJson(new { topics });
                return ExitCodes.Ok;
            }

            if (topics.Count == 0)
            {
                context.WriteLine("No topics.");
            }

            for (var i = 0; i < topics.Count; i++)
            {
                if (i > 0)
                {
                    context.WriteLine(string.Empty);
                }

                WriteHuman(context, topics[i]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteHuman(CommandContext context, TopicView topic)
    {
        context.WriteLine($"Topic: {topic.Name}  id: {topic.TopicId}  partitions: {topic.Partitions.Count}  size: {Formats.Bytes(topic.SizeBytes)}{(topic.Internal ? "  (internal)" : string.Empty)}");
        var partitions = new HumanTable("PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "LOG START", "LOG END", "HIGH WATERMARK", "SIZE", "SEGMENTS");
        foreach (var p in topic.Partitions)
        {
            partitions.Row(p.Partition, p.Leader, p.LeaderEpoch, string.Join(',', p.Replicas), string.Join(',', p.InSyncReplicas), p.LogStartOffset, p.LogEndOffset, p.HighWatermark, Formats.Bytes(p.SizeBytes), p.Segments);
        }

        partitions.WriteTo(context.IO.Console);
        context.WriteLine(string.Empty);
        var configs = new HumanTable("CONFIG", "VALUE", "SOURCE");
        foreach (var c in topic.Configs)
        {
            configs.Row(c.Name, c.Value, c.IsOverride ? "override" : "default");
        }

        configs.WriteTo(context.IO.Console);
    }

    private sealed record TopicView(string Name, string TopicId, bool Internal, long SizeBytes, IReadOnlyList<PartitionView> Partitions, IReadOnlyList<ConfigView> Configs)
    {
        public static TopicView From(TopicDescription t) => new(
            t.Name,
            t.TopicId,
            t.IsInternal,
            t.SizeInBytes,
            [.. t.Partitions.OrderBy(p => p.TopicPartition.Partition).Select(p => new PartitionView(p.TopicPartition.Partition, p.Leader, p.LeaderEpoch, p.Replicas, p.InSyncReplicas, p.LogStartOffset, p.LogEndOffset, p.HighWatermark, p.SizeInBytes, p.SegmentCount))],
            [.. t.Configs.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ConfigView(c.Key, c.Value, t.OverriddenConfigs.Contains(c.Key)))]);
    }

    private sealed record PartitionView(int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> InSyncReplicas, long LogStartOffset, long LogEndOffset, long HighWatermark, long SizeBytes, int Segments);

    private sealed record ConfigView(string Name, string Value, bool IsOverride);
}
