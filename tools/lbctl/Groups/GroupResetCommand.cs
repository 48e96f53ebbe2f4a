using System.CommandLine;
using LogBroker.Client;
using LogBroker.Client.Admin;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;
using LogBroker.Protocol.Errors;

namespace LogBroker.Lbctl.Groups;

/// <summary>
/// <c>lbctl group reset GROUP --topic T (--to-earliest | --to-latest | --to-datetime T | --to-offset N | --shift-by N)</c>:
/// moves the group's committed offsets for a topic. As with Kafka's kafka-consumer-groups, the group
/// must have no active members (they would carry on from their own positions and commit over the
/// reset) unless --force; --dry-run shows the offsets without committing them.
/// </summary>
internal static class GroupResetCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var group = new Argument<string>("group") { Description = "Consumer group whose offsets to move (created if it does not exist)" };
        var topic = new Option<string>("--topic", "-t") { Description = "Topic whose committed offsets to move", Required = true, HelpName = "topic" };
        var targets = new ResetTargetOptions();
        var partitions = new Option<string>("--partitions") { Description = "Only these partitions, comma-separated (default: all of the topic's partitions)", HelpName = "0,1,..." };
        var force = new Option<bool>("--force") { Description = "Reset even while the group has active members; they keep consuming from their own positions and may commit over the reset" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the offsets the reset would commit, without committing them" };
        var command = new Command("reset", "Move a group's committed offsets for a topic to one target; refused while the group has active members unless --force") { group, topic };
        foreach (var option in targets.All)
        {
            command.Options.Add(option);
        }

        command.Options.Add(partitions);
        command.Options.Add(force);
        command.Options.Add(dryRun);
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var groupId = result.GetRequiredValue(group);
            var topicName = result.GetRequiredValue(topic);
            var (target, value) = targets.Read(result);
            var only = result.GetValue(partitions) is { } list ? PartitionListArgument.Parse(list, "--partitions") : null;
            var isDryRun = result.GetValue(dryRun);
            await using var admin = context.Admin();
            IReadOnlyDictionary<Protocol.TopicPartition, long> offsets;
            try
            {
                offsets = await admin.ResetGroupOffsetsAsync(groupId, topicName, target, value, only, result.GetValue(force), isDryRun, cancellationToken);
            }
            catch (LogBrokerException e) when (e.Code == ErrorCode.NonEmptyGroup)
            {
                context.WriteError($"error: group '{groupId}' has active members, so its offsets were not reset: stop its consumers first, or use --force to reset anyway (they may commit over the reset)");
                return ExitCodes.Error;
            }

            var rows = offsets.OrderBy(o => o.Key.Partition).Select(o => new NewOffset(o.Key.Partition, o.Value)).ToList();
            if (context.IsJson)
            {
                context.WriteJson(new { groupId, topic = topicName, target, value = target is OffsetResetTarget.Earliest or OffsetResetTarget.Latest ? (long?)null : value, dryRun = isDryRun, partitions = rows });
                return ExitCodes.Ok;
            }

            var table = new HumanTable("TOPIC", "PARTITION", "NEW OFFSET");
            foreach (var row in rows)
            {
                table.Row(topicName, row.Partition, row.Offset);
            }

            table.WriteTo(io.Console);
            context.WriteLine(isDryRun
                ? $"Dry run: nothing changed; group '{groupId}' would get these offsets on '{topicName}'."
                : $"Reset group '{groupId}' on '{topicName}': {rows.Count} partition(s).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record NewOffset(int Partition, long Offset);
}
