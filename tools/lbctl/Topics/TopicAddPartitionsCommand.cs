using System.CommandLine;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic add-partitions NAME --total N</c>: grow a topic (partitions are never removed).</summary>
internal static class TopicAddPartitionsCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Topic to grow" };
        var total = new Option<int>("--total") { Description = "The partition count to grow to (more than it has now)", Required = true };
        total.AtLeast(1);
        var command = new Command("add-partitions", "Raise a topic's partition count; keyed records may map to other partitions afterwards") { name, total };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var topic = result.GetRequiredValue(name);
            var count = result.GetValue(total);
            await using var admin = context.Admin();
            await admin.CreatePartitionsAsync(topic, count, cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(new { name = topic, partitions = count });
            }
            else
            {
                context.WriteLine($"Topic '{topic}' now has {count} partitions.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
