using System.CommandLine;
using LogBroker.Client;
using LogBroker.Lbctl.Output;
using LogBroker.Protocol.Errors;

namespace LogBroker.Lbctl.Cli;

/// <summary>
/// Runs a command's body with the failure handling every command shares: usage mistakes exit 2,
/// broker and file errors exit 1 with a message on stderr (naming the broker address when it could
/// not be reached), Ctrl-C exits 130 unless the body treats it as its normal end.
/// </summary>
internal static class CommandAction
{
    public static void Set(Command command, CommandIO io, GlobalOptions global, Func<ParseResult, CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((result, cancellationToken) => RunAsync(result, io, global, body, cancellationToken));

    private static async Task<int> RunAsync(ParseResult result, CommandIO io, GlobalOptions global, Func<ParseResult, CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var bootstrap = result.GetValue(global.Bootstrap) ?? GlobalOptions.DefaultBootstrap;
        var format = result.GetValue(global.Output) == "json" ? OutputFormat.Json : OutputFormat.Text;
        try
        {
            BootstrapAddress.Validate(bootstrap);
            return await body(result, new CommandContext(io, bootstrap, format), cancellationToken);
        }
        catch (UsageException e)
        {
            await io.Error.WriteLineAsync($"error: {e.Message}");
            await io.Error.WriteLineAsync($"Run '{CommandPath.Of(result)} --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (LogBrokerException e)
        {
            await io.Error.WriteLineAsync($"error: {e.Message}");
            if (e.Code is ErrorCode.NetworkException or ErrorCode.RequestTimedOut)
            {
                await io.Error.WriteLineAsync($"The broker at {bootstrap} is unreachable: is it running, and is --bootstrap right?");
            }

            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await io.Error.WriteLineAsync("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await io.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Error;
        }
    }
}
