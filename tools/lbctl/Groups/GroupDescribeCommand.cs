using System.CommandLine;
using LogBroker.Client.Admin;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;
using LogBroker.Protocol;

namespace LogBroker.Lbctl.Groups;

/// <summary>
/// <c>lbctl group describe GROUP</c>: the group's state, epoch and coordinator; each member with its
/// subscription and assigned partitions; and per partition the committed offset, the log end (high
/// watermark), the lag between them, the member that owns it and the metadata committed with the offset.
/// </summary>
internal static class GroupDescribeCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var group = new Argument<string>("group") { Description = "Consumer group to describe" };
        var command = new Command("describe", "Describe a consumer group: members, their partitions, committed offsets and lag") { group };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var view = GroupView.From(await admin.DescribeGroupAsync(result.GetRequiredValue(group), cancellationToken));
            if (context.IsJson)
            {
                context.WriteJson(view);
            }
            else
            {
                WriteHuman(context, view);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteHuman(CommandContext context, GroupView group)
    {
        context.WriteLine($"Group: {group.GroupId}  state: {group.State}  epoch: {group.GroupEpoch}  coordinator: {group.CoordinatorId}  members: {group.Members.Count}  total lag: {group.TotalLag}");
        context.WriteLine(string.Empty);
        if (group.Members.Count == 0)
        {
            context.WriteLine("No active members.");
        }
        else
        {
            var members = new HumanTable("MEMBER", "INSTANCE", "EPOCH", "SUBSCRIPTION", "ASSIGNED");
            foreach (var m in group.Members)
            {
                var subscription = m.SubscribedTopicRegex is { } regex ? $"/{regex}/" : string.Join(',', m.SubscribedTopics);
                members.Row(m.MemberId, m.InstanceId, m.MemberEpoch, subscription, Partitions(m.Assignment));
            }

            members.WriteTo(context.IO.Console);
        }

        context.WriteLine(string.Empty);
        if (group.Partitions.Count == 0)
        {
            context.WriteLine("No committed offsets or assigned partitions.");
            return;
        }

        var partitions = new HumanTable("TOPIC", "PARTITION", "COMMITTED", "LOG END", "LAG", "MEMBER", "METADATA");
        foreach (var p in group.Partitions)
        {
            partitions.Row(p.Topic, p.Partition, NoneIfNegative(p.CommittedOffset), NoneIfNegative(p.LogEndOffset), NoneIfNegative(p.Lag), p.MemberId, p.Metadata is { Length: > 0 } metadata ? metadata : null);
        }

        partitions.WriteTo(context.IO.Console);
    }

    /// <summary>-1 stands for "none" (no commit, partition not hosted); a table shows that as "-".</summary>
    private static long? NoneIfNegative(long value) => value < 0 ? null : value;

    /// <summary>Kafka's style for a member's partitions: "orders(0,1) payments(2)"; "-" for none.</summary>
    private static string Partitions(IReadOnlyList<PartitionView> partitions) =>
        partitions.Count == 0
            ? "-"
            : string.Join(' ', partitions.GroupBy(p => p.Topic).Select(t => $"{t.Key}({string.Join(',', t.Select(p => p.Partition))})"));

    private sealed record GroupView(string GroupId, string State, int GroupEpoch, int CoordinatorId, long TotalLag, IReadOnlyList<MemberView> Members, IReadOnlyList<PartitionLagView> Partitions)
    {
        public static GroupView From(GroupDescription g) => new(
            g.GroupId,
            g.State,
            g.GroupEpoch,
            g.CoordinatorId,
            g.TotalLag,
            [.. g.Members.Select(m => new MemberView(m.MemberId, m.InstanceId, m.MemberEpoch, m.SubscribedTopics, m.SubscribedTopicRegex, Sorted(m.Assignment), Sorted(m.TargetAssignment)))],
            [.. g.Partitions.Select(p => new PartitionLagView(p.TopicPartition.Topic, p.TopicPartition.Partition, p.CommittedOffset, p.LogEndOffset, p.Lag, p.MemberId, p.CommittedMetadata))]);

        private static List<PartitionView> Sorted(IEnumerable<TopicPartition> partitions) =>
            [.. partitions.Order().Select(p => new PartitionView(p.Topic, p.Partition))];
    }

    /// <summary>A member: <see cref="Assignment"/> is what it owns now, <see cref="TargetAssignment"/> what it is moving to (they differ while the group reconciles).</summary>
    private sealed record MemberView(string MemberId, string? InstanceId, int MemberEpoch, IReadOnlyList<string> SubscribedTopics, string? SubscribedTopicRegex, IReadOnlyList<PartitionView> Assignment, IReadOnlyList<PartitionView> TargetAssignment);

    private sealed record PartitionView(string Topic, int Partition);

    /// <summary>Committed offset -1: none; log end and lag -1: the partition's log is not hosted by the coordinator; metadata empty when none was committed.</summary>
    private sealed record PartitionLagView(string Topic, int Partition, long CommittedOffset, long LogEndOffset, long Lag, string? MemberId, string Metadata);
}
