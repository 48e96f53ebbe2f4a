using System.CommandLine;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic alter NAME --set k=v ... --remove k ...</c>: change config overrides; removed ones fall back to the default.</summary>
internal static class TopicAlterCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "Topic to change" };
        var set = new Option<string[]>("--set") { Description = "Config override to set, as key=value; repeatable", HelpName = "key=value" };
        var remove = new Option<string[]>("--remove") { Description = "Config override to remove (back to the broker default); repeatable", HelpName = "key" };
        var command = new Command("alter", "Set or remove a topic's config overrides") { name, set, remove };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            var topic = result.GetRequiredValue(name);
            var changes = KeyValueArgs.ParseUnique(result.GetValue(set), "--set");
            var removals = (result.GetValue(remove) ?? []).Distinct(StringComparer.Ordinal).ToList();
            if (changes.Count == 0 && removals.Count == 0)
            {
                throw new UsageException("nothing to change: give --set key=value and/or --remove key");
            }

            var both = removals.Where(changes.ContainsKey).ToList();
            if (both.Count > 0)
            {
                throw new UsageException($"'{both[0]}' is both set and removed");
            }

            await using var admin = context.Admin();
            await admin.AlterTopicConfigAsync(topic, changes, removals, cancellationToken);
            if (context.IsJson)
            {
                context.WriteJson(new AlteredTopic(topic, new SortedDictionary<string, string>(changes, StringComparer.Ordinal), removals));
            }
            else
            {
                var parts = changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"set {c.Key}={c.Value}").Concat(removals.Select(r => $"removed {r}"));
                context.WriteLine($"Altered topic '{topic}': {string.Join(", ", parts)}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record AlteredTopic(string Name, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Removed);
}
