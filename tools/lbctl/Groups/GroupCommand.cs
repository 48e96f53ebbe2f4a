using System.CommandLine;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Groups;

/// <summary><c>lbctl group ...</c>: the consumer group administration commands.</summary>
internal static class GroupCommand
{
    public static Command Create(CommandIO io, GlobalOptions global) => new("group", "List, describe (with lag), reset the offsets of, and delete consumer groups")
    {
        GroupListCommand.Create(io, global),
        GroupDescribeCommand.Create(io, global),
        GroupResetCommand.Create(io, global),
        GroupDeleteCommand.Create(io, global),
    };
}
