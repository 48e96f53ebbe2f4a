using System.CommandLine;
using LogBroker.Client;
using LogBroker.Lbctl.Cli;
using LogBroker.Protocol.Errors;

namespace LogBroker.Lbctl.Groups;

/// <summary>
/// <c>lbctl group delete GROUP...</c>: deletes each group with its committed offsets, on its own, so
/// one refused or unknown group does not stop the rest. A group with active members is refused.
/// </summary>
internal static class GroupDeleteCommand
{
    public static Command Create(CommandIO io, GlobalOptions global)
    {
        var groups = new Argument<string[]>("group") { Description = "Consumer groups to delete, with their committed offsets; each must have no active members", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete consumer groups without active members, with their committed offsets") { groups };
        CommandAction.Set(command, io, global, async (result, context, cancellationToken) =>
        {
            await using var admin = context.Admin();
            var outcomes = new List<DeletedGroup>();
            foreach (var groupId in result.GetRequiredValue(groups).Distinct(StringComparer.Ordinal))
            {
                try
                {
                    await admin.DeleteGroupAsync(groupId, cancellationToken);
                    outcomes.Add(new DeletedGroup(groupId, true, null));
                }
                catch (LogBrokerException e) when (e.Code == ErrorCode.NonEmptyGroup)
                {
                    outcomes.Add(new DeletedGroup(groupId, false, $"{e.Message}; stop its consumers first"));
                }
                catch (LogBrokerException e) when (e.Code is not (ErrorCode.NetworkException or ErrorCode.RequestTimedOut))
                {
                    outcomes.Add(new DeletedGroup(groupId, false, e.Message));
                }
            }

            if (context.IsJson)
            {
                context.WriteJson(new { groups = outcomes });
            }
            else
            {
                foreach (var outcome in outcomes.Where(o => o.Deleted))
                {
                    context.WriteLine($"Deleted group '{outcome.GroupId}'.");
                }
            }

            foreach (var failed in outcomes.Where(o => !o.Deleted))
            {
                context.WriteError($"error: group '{failed.GroupId}' was not deleted: {failed.Error}");
            }

            return outcomes.TrueForAll(o => o.Deleted) ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private sealed record DeletedGroup(string GroupId, bool Deleted, string? Error);
}
