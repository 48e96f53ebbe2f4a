using System.CommandLine;
using LogBroker.Client;
using LogBroker.Lbctl.Cli;

namespace LogBroker.Lbctl.Topics;

/// <summary><c>lbctl topic delete NAME...</c>: each topic is deleted on its own, so one unknown name does not stop the rest.</summary>
internal static class TopicDeleteCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var names = new Argument<string[]>("name") { Description = "Topics to delete, with all their data", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete topics and their data") { names };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var outcomes = new List<DeletedTopic>();
            foreach (var topic in result.GetRequiredValue(names).Distinct(StringComparer.Ordinal))
            {
                try
                {
                    await admin.DeleteTopicAsync(topic, cancellationToken);
                    outcomes.Add(new DeletedTopic(topic, true, null));
                }
                catch (LogBrokerException e) when (e.Code is not (Protocol.Errors.ErrorCode.NetworkException or Protocol.Errors.ErrorCode.RequestTimedOut))
                {
                    outcomes.Add(new DeletedTopic(topic, false, e.Message));
                }
            }

            if (context.IsJson)
            {
                context.WriteJson(new { topics = outcomes });
            }
            else
            {
                foreach (var outcome in outcomes.Where(o => o.Deleted))
                {
                    context.WriteLine($"Deleted topic '{outcome.Name}'.");
                }
            }

            foreach (var failed in outcomes.Where(o => !o.Deleted))
            {
                context.WriteError($"error: topic '{failed.Name}' was not deleted: {failed.Error}");
            }

            return outcomes.TrueForAll(o => o.Deleted) ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private sealed record DeletedTopic(string Name, bool Deleted, string? Error);
}
