using System.CommandLine;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic list [--internal]</c></summary>
internal static class TopicListCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var includeInternal = new Option<bool>("--internal") { Description = "Include internal topics (names starting with '__')" };
        var command = new Command("list", "List topics with their partition counts") { includeInternal };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var topics = (await admin.ListTopicsAsync(result.GetValue(includeInternal), cancellationToken))
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new ListedTopic(t.Name, t.Partitions, t.IsInternal))
                .ToList();
            if (context.IsJson)
            {
                context.WriteJson(new { topics });
            }
            else if (topics.Count == 0)
            {
                context.WriteLine("No topics.");
            }
            else
            {
                var table = new HumanTable("TOPIC", "PARTITIONS", "INTERNAL");
                foreach (var topic in topics)
                {
                    table.Row(topic.Name, topic.Partitions, topic.Internal ? "yes" : "no");
                }

                table.WriteTo(io.Console);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record ListedTopic(string Name, int Partitions, bool Internal);
}
