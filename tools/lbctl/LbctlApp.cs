using System.CommandLine;
using System.CommandLine.Invocation;
using LogBroker.Lbctl.Cli;
using LogBroker.Lbctl.Consuming;
using LogBroker.Lbctl.DumpLog;
using LogBroker.Lbctl.Groups;
using LogBroker.Lbctl.Offsets;
using LogBroker.Lbctl.Output;
using LogBroker.Lbctl.Producing;
using LogBroker.Lbctl.Topics;

namespace LogBroker.Lbctl;

/// <summary>
/// lbctl, the operator's and developer's CLI: the command tree and one run of it. Everything a run
/// reads and writes goes through the given reader and writers, so tests run it in process.
/// </summary>
public static class LbctlApp
{
    private const string Description = """
        lbctl: manage and inspect a LogBroker cluster: topics, producing and consuming records, offsets,
        consumer groups, the cluster, and segment files on disk.

        Exit codes: 0 success; 1 error (broker unreachable, unknown topic, refused, unreadable file);
        2 usage error; 3 dump-log found damage; 130 interrupted (except consume, which Ctrl-C ends
        normally: 0).
        """;

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var io = new CommandIO(stdin, stdout, stderr, Consoles.For(stdout));
        var root = BuildRoot(io);
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync($"Run '{CommandPath.Of(result)} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return await result.InvokeAsync(configuration, cancellationToken);
    }

    private static RootCommand BuildRoot(CommandIO io)
    {
        var global = new GlobalOptions();
        var root = new RootCommand(Description)
        {
            global.Bootstrap,
            global.Output,
            TopicCommand.Create(io, global),
            ProduceCommand.Create(io, global),
            ConsumeCommand.Create(io, global),
            OffsetsCommand.Create(io, global),
            GroupCommand.Create(io, global),
            Cluster.ClusterCommand.Create(io, global),
            DumpLogCommand.Create(io, global),
        };
        return root;
    }
}
