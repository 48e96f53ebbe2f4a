using System.CommandLine;

namespace LogBroker.Lbctl.Cli;

/// <summary>Options every command takes: where the broker is, and whether output is for people or scripts.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultBootstrap = "http://127.0.0.1:9400";

    public GlobalOptions()
    {
        Output.AcceptOnlyFromAmong("text", "json");
    }

    public Option<string> Bootstrap { get; } = new("--bootstrap", "-b")
    {
        Description = "Broker gRPC address(es) to connect to, comma-separated",
        HelpName = "url",
        DefaultValueFactory = _ => DefaultBootstrap,
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "text: tables and lines for people; json: stable camelCase JSON for scripts",
        HelpName = "text|json",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };
}
