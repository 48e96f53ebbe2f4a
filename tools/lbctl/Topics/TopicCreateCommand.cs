using System.CommandLine;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic create NAME --partitions N --config k=v ...</c></summary>
internal static class TopicCreateCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Topic name: letters, digits, '.', '_' and '-'" };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Number of partitions", DefaultValueFactory = _ => 1 };
        partitions.AtLeast(1);
        var configs = new Option<string[]>("--config", "-c") { Description = "Topic config override as key=value, repeatable (e.g. retention.ms=86400000)", HelpName = "key=value" };
        var command = new Command("create", "Create a topic") { name, partitions, configs };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var topic = result.GetRequiredValue(name);
            var count = result.GetValue(partitions);
            var overrides = KeyValueArgs.ParseUnique(result.GetValue(configs), "--config");
            await using var admin = context.Admin();
            await admin.CreateTopicAsync(topic, count, overrides, cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(new CreatedTopic(topic, count, new SortedDictionary<string, string>(overrides, StringComparer.Ordinal)));
            }
            else
            {
                context.WriteLine($"Created topic '{topic}' with {count} partition(s){(overrides.Count == 0 ? string.Empty : $" and {overrides.Count} config override(s)")}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record CreatedTopic(string Name, int Partitions, IReadOnlyDictionary<string, string> Configs);
}
