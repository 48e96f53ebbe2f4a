using System.CommandLine;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic ...</c>: the topic administration commands.</summary>
internal static class TopicCommand
{
    public static Command Create(CommandIO io, GlobalOptions global) => new("topic", "Create, list, describe, alter, grow and delete topics")
    {
        TopicCreateCommand.Create(io, global),
        TopicListCommand.Create(io, global),
        TopicDescribeCommand.Create(io, global),
        TopicAlterCommand.Create(io, global),
        TopicAddPartitionsCommand.Create(io, global),
        TopicDeleteCommand.Create(io, global),
    };
}
