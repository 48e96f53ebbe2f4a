using System.CommandLine;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Output;

namespace LogBroker.Lbctl.Groups;

/// <summary><c>lbctl group list</c>: every group the cluster's coordinators know, with its state and member count.</summary>
internal static class GroupListCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var command = new Command("list", "List consumer groups with their state and number of members");
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var groups = (await admin.ListGroupsAsync(cancellationToken))
                .Select(g => new ListedGroup(g.GroupId, g.State, g.Members))
                .ToList();
            if (context.IsJson)
            {
                context.WriteJson(new { groups });
            }
            else if (groups.Count == 0)
            {
                context.WriteLine("No groups.");
            }
            else
            {
                var table = new HumanTable("GROUP", "STATE", "MEMBERS");
                foreach (var group in groups)
                {
                    table.Row(group.GroupId, group.State, group.Members);
                }

                table.WriteTo(io.Console);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record ListedGroup(string GroupId, string State, int Members);
}
