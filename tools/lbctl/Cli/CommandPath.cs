using System.CommandLine;
using System.CommandLine.Parsing;

namespace LogBroker.Lbctl.Cli;

/// <summary>The words that name the command a parse landed on ("lbctl topic create"), for "see --help" hints.</summary>
internal static class CommandPath
{
    public static string Of(ParseResult result)
    {
        var names = new List<string>();
        for (var command = result.CommandResult; command is not null; command = command.Parent as CommandResult)
        {
            names.Add(command.Command.Name);
        }

        names.Reverse();
        names[0] = "lbctl";
        return string.Join(' ', names);
    }
}
